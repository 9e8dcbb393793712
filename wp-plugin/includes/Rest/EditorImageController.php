<?php
/**
 * igny8/v1/editor-images/{editorImageId}/attachment: an image made from the block editor's IGNY8 sidebar, added to
 * the media library and attached to the post, so the editor can set it as the featured image.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Rest;

use IGNY8\Connection\KeyStore;
use IGNY8\Connection\ServerClient;
use WP_Error;
use WP_Post;
use WP_REST_Request;
use WP_REST_Response;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * POST: reads the editor image's details (`writer/editor-images/:id`) and downloads its file
 * (`writer/editor-images/:id/file`) from the server, both signed for the WordPress user, checks the bytes are a
 * raster image of an accepted size, sideloads them into the media library with the image's alt text, attached to
 * the post, and answers `{ attachmentId, url, altText, created }`. The editor image id is kept in the attachment's
 * meta: a second call (a retry, a double click, another tab) answers the same attachment instead of a copy.
 *
 * Who: a signed-in user (cookie + wp_rest nonce) who can edit posts and upload files, and can edit that post.
 * The browser then sets the attachment as the post's featured image in the editor; the person saves the post.
 */
final class EditorImageController extends RestController {

	/** Attachment meta holding the IGNY8 editor image id an attachment was made from. */
	public const META_KEY = '_igny8_editor_image_id';

	/** Largest file accepted by default (filter: igny8_editor_image_max_bytes). */
	public const MAX_BYTES = 15 * 1024 * 1024;

	/** An option used as a lock while one request adds an editor image (add_option is atomic). */
	private const LOCK_PREFIX = 'igny8_editor_image_lock_';

	/** A lock older than this is from a request that died; it is taken over. */
	private const LOCK_SECONDS = 120;

	private const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

	/** File name extensions of the accepted image types. */
	private const EXTENSIONS = array(
		'image/png'  => 'png',
		'image/jpeg' => 'jpg',
		'image/webp' => 'webp',
		'image/gif'  => 'gif',
	);

	private ServerClient $client;

	/**
	 * Constructor.
	 *
	 * @param ServerClient|null $client Server client.
	 */
	public function __construct( ?ServerClient $client = null ) {
		$this->client = $client ?? new ServerClient( new KeyStore() );
	}

	/** Registers the route. */
	public function register_routes(): void {
		register_rest_route(
			$this->namespace,
			'/editor-images/(?P<editor_image_id>' . self::UUID . ')/attachment',
			array(
				array(
					'methods'             => 'POST',
					'callback'            => array( $this, 'attach' ),
					'permission_callback' => array( $this, 'can_attach' ),
				),
			)
		);
	}

	/**
	 * Signed-in users who can edit posts and upload files, and can edit the post named by `postId`.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return true|WP_Error
	 */
	public function can_attach( WP_REST_Request $request ) {
		$signed_in = self::require_signed_in();
		if ( true !== $signed_in ) {
			return $signed_in;
		}
		$allowed = self::require_capabilities(
			array( 'edit_posts', 'upload_files' ),
			__( 'Only users who can edit posts and upload files can add IGNY8 images to the media library.', 'igny8' )
		);
		if ( true !== $allowed ) {
			return $allowed;
		}
		$post = self::post_of( $request );
		if ( $post instanceof WP_Error ) {
			return $post;
		}
		if ( ! current_user_can( 'edit_post', $post->ID ) ) {
			/* translators: %d: post id */
			return self::forbidden( sprintf( __( 'You cannot edit post %d, so you cannot set its featured image.', 'igny8' ), $post->ID ) );
		}
		return true;
	}

	/**
	 * The attachment for the editor image: the existing one, or a new one made from the server's file.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function attach( WP_REST_Request $request ) {
		$image_id = strtolower( (string) $request['editor_image_id'] );
		$post     = self::post_of( $request );
		if ( $post instanceof WP_Error ) {
			return $post;
		}
		$existing = self::attachment_of( $image_id );
		if ( null !== $existing ) {
			return self::answer( $existing, false );
		}

		$lock = self::LOCK_PREFIX . md5( $image_id );
		if ( ! add_option( $lock, time(), '', 'no' ) ) {
			if ( time() - (int) get_option( $lock, 0 ) < self::LOCK_SECONDS ) {
				return new WP_Error( 'igny8_image_busy', __( 'This image is being added to the media library right now. Try again in a few seconds.', 'igny8' ), array( 'status' => 409 ) );
			}
			update_option( $lock, time(), false );
		}
		try {
			// Another request may have finished between the first look and the lock.
			$existing = self::attachment_of( $image_id );
			if ( null !== $existing ) {
				return self::answer( $existing, false );
			}
			$attachment_id = $this->sideload( $image_id, $post );
			return $attachment_id instanceof WP_Error ? $attachment_id : self::answer( $attachment_id, true );
		} finally {
			delete_option( $lock );
		}
	}

	/**
	 * Reads the image's details and file from the server, checks them and adds the file to the media library.
	 *
	 * @param string  $image_id The editor image id.
	 * @param WP_Post $post     The post to attach it to.
	 * @return int|WP_Error The attachment id.
	 */
	private function sideload( string $image_id, WP_Post $post ) {
		$user  = wp_get_current_user();
		$level = AppController::level_of( $user );

		$details = $this->client->forward( 'GET', 'writer/editor-images/' . $image_id, '', null, (int) $user->ID, $level );
		if ( $details instanceof WP_Error ) {
			return $details;
		}
		$envelope = $details['envelope'];
		if ( true !== $envelope['success'] || ! is_array( $envelope['data'] ?? null ) ) {
			return new WP_Error(
				is_string( $envelope['code'] ?? null ) ? $envelope['code'] : 'igny8_image_unavailable',
				is_string( $envelope['error'] ?? null ) ? $envelope['error'] : __( 'IGNY8 could not find this image.', 'igny8' ),
				array( 'status' => $details['status'] >= 400 ? $details['status'] : 502 )
			);
		}
		$image  = $envelope['data'];
		$status = (string) ( $image['status'] ?? '' );
		if ( 'failed' === $status ) {
			return new WP_Error(
				'igny8_image_failed',
				is_string( $image['error'] ?? null ) && '' !== $image['error'] ? $image['error'] : __( 'Making this image failed. Generate another one.', 'igny8' ),
				array( 'status' => 409 )
			);
		}
		if ( 'generated' !== $status ) {
			return new WP_Error( 'igny8_image_not_ready', __( 'This image is not ready yet. Wait until it is made, then try again.', 'igny8' ), array( 'status' => 409 ) );
		}

		$file = $this->client->download( 'writer/editor-images/' . $image_id . '/file', (int) $user->ID, $level );
		if ( $file instanceof WP_Error ) {
			return $file;
		}
		$bytes = $file['bytes'];
		$max   = (int) apply_filters( 'igny8_editor_image_max_bytes', self::MAX_BYTES );
		if ( strlen( $bytes ) > $max ) {
			return new WP_Error(
				'igny8_image_too_large',
				sprintf(
					/* translators: 1: the file's size, 2: the largest size accepted */
					__( 'The image is %1$s, more than the %2$s this site accepts. Generate a smaller one.', 'igny8' ),
					size_format( strlen( $bytes ) ),
					size_format( $max )
				),
				array( 'status' => 413 )
			);
		}
		$type    = strtolower( trim( explode( ';', $file['type'] )[0] ) );
		$sniffed = '' === $bytes ? false : getimagesizefromstring( $bytes );
		// The type the server names and the one the bytes are must agree, and be a raster image: never SVG or HTML.
		if ( ! isset( self::EXTENSIONS[ $type ] ) || false === $sniffed || ( $sniffed['mime'] ?? '' ) !== $type ) {
			return new WP_Error(
				'igny8_not_an_image',
				__( 'IGNY8 sent something that is not a PNG, JPEG, WebP or GIF image, so it was not added to the media library. Generate the image again.', 'igny8' ),
				array( 'status' => 502 )
			);
		}

		require_once ABSPATH . 'wp-admin/includes/file.php';
		require_once ABSPATH . 'wp-admin/includes/media.php';
		require_once ABSPATH . 'wp-admin/includes/image.php';

		$alt   = is_string( $image['altText'] ?? null ) ? sanitize_text_field( $image['altText'] ) : '';
		$title = '' !== $alt ? $alt : get_the_title( $post );
		$name  = sanitize_file_name( ( '' !== $title ? sanitize_title( mb_substr( $title, 0, 60 ) ) : 'igny8-image' ) . '-' . substr( $image_id, 0, 8 ) . '.' . self::EXTENSIONS[ $type ] );
		$tmp   = wp_tempnam( $name );
		if ( '' === $tmp || false === file_put_contents( $tmp, $bytes ) ) { // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_file_put_contents
			return new WP_Error( 'igny8_upload_failed', __( 'WordPress could not write the image to a temporary file. Check that the uploads folder is writable.', 'igny8' ), array( 'status' => 500 ) );
		}
		$attachment_id = media_handle_sideload(
			array(
				'name'     => $name,
				'tmp_name' => $tmp,
			),
			$post->ID,
			null,
			array( 'post_title' => '' !== $title ? $title : __( 'IGNY8 image', 'igny8' ) )
		);
		if ( is_file( $tmp ) ) {
			wp_delete_file( $tmp );
		}
		if ( $attachment_id instanceof WP_Error ) {
			return new WP_Error(
				'igny8_upload_failed',
				/* translators: %s: WordPress's reason */
				sprintf( __( 'WordPress could not add the image to the media library: %s', 'igny8' ), $attachment_id->get_error_message() ),
				array( 'status' => 500 )
			);
		}
		update_post_meta( $attachment_id, self::META_KEY, $image_id );
		if ( '' !== $alt ) {
			update_post_meta( $attachment_id, '_wp_attachment_image_alt', $alt );
		}
		return (int) $attachment_id;
	}

	/**
	 * The attachment already made from an editor image, if any.
	 *
	 * @param string $image_id The editor image id.
	 */
	public static function attachment_of( string $image_id ): ?int {
		$ids = get_posts(
			array(
				'post_type'        => 'attachment',
				'post_status'      => 'any',
				'meta_key'         => self::META_KEY, // phpcs:ignore WordPress.DB.SlowDBQuery.slow_query_meta_key
				'meta_value'       => $image_id, // phpcs:ignore WordPress.DB.SlowDBQuery.slow_query_meta_value
				'fields'           => 'ids',
				'posts_per_page'   => 1,
				'orderby'          => 'ID',
				'order'            => 'ASC',
				'no_found_rows'    => true,
				'suppress_filters' => true,
			)
		);
		return array() === $ids ? null : (int) $ids[0];
	}

	/**
	 * The post named by the body's `postId`.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_Post|WP_Error
	 */
	private static function post_of( WP_REST_Request $request ) {
		$id = $request->get_param( 'postId' );
		if ( ! is_int( $id ) && ! ( is_string( $id ) && ctype_digit( $id ) ) ) {
			return new WP_Error( 'igny8_invalid_post', __( 'Name the post the image is for (postId, a post id).', 'igny8' ), array( 'status' => 400 ) );
		}
		$post = get_post( (int) $id );
		if ( ! $post instanceof WP_Post || 'attachment' === $post->post_type || 'trash' === $post->post_status ) {
			return new WP_Error(
				'igny8_post_not_found',
				/* translators: %d: post id */
				sprintf( __( 'Post %d does not exist (or is in the trash).', 'igny8' ), (int) $id ),
				array( 'status' => 404 )
			);
		}
		return $post;
	}

	/**
	 * The route's answer for an attachment.
	 *
	 * @param int  $attachment_id Attachment id.
	 * @param bool $created       Whether this request made it.
	 */
	private static function answer( int $attachment_id, bool $created ): WP_REST_Response {
		return new WP_REST_Response(
			array(
				'attachmentId' => $attachment_id,
				'url'          => (string) wp_get_attachment_url( $attachment_id ),
				'altText'      => (string) get_post_meta( $attachment_id, '_wp_attachment_image_alt', true ),
				'created'      => $created,
			),
			$created ? 201 : 200
		);
	}
}
