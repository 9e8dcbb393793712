<?php
/**
 * The post meta the IGNY8 server writes through WordPress's REST API (as the publishing user) on the posts and
 * pages it publishes: our content id, which makes publishing exactly-once, and the SEO title and description.
 *
 * - `_igny8_content_id`: the IGNY8 content's uuid. The server looks it up (GET igny8/v1/content/<id>, signed)
 *   before every create, so a crash between WordPress's 201 and the server's own database write never makes a
 *   second post, and republishing updates the same post. On create it is written inside the same
 *   wp_insert_post() call as the post (meta_input), so no failure later in the REST request (another field's
 *   validation, a term) can leave a post without it.
 * - `_igny8_seo_title`, `_igny8_seo_description`: kept here whatever SEO plugin runs, mirrored into Yoast SEO's or
 *   Rank Math's fields when the REST request carries them and one of those plugins is active (SeoMeta), and
 *   printed on the front end by the plugin itself when neither is.
 *
 * The keys start with an underscore: WordPress treats them as protected (hidden from the Custom Fields box, and
 * not writable over REST unless an auth_callback allows it). Measured on WordPress 6.1: with the auth_callback
 * below the publishing user (role author) writes them with an application password; without it WordPress
 * answers 403 rest_cannot_update. They are shown only in the `edit` context, so anonymous visitors reading
 * wp/v2/posts never see our ids.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Publishing;

use WP_Post;
use WP_REST_Request;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Registers the meta keys and writes the content id together with a new post.
 */
final class PostMeta {

	public const CONTENT_ID      = '_igny8_content_id';
	public const SEO_TITLE       = '_igny8_seo_title';
	public const SEO_DESCRIPTION = '_igny8_seo_description';

	/** Post types IGNY8 publishes. */
	public const POST_TYPES = array( 'post', 'page' );

	/** Sanity bounds (the server writes at most 60 and 160 characters; a person may write a little more). */
	public const SEO_TITLE_MAX       = 300;
	public const SEO_DESCRIPTION_MAX = 1000;

	/** Hooks into WordPress. */
	public function register_hooks(): void {
		add_action( 'init', array( $this, 'register_meta' ) );
		foreach ( self::POST_TYPES as $post_type ) {
			add_filter( "rest_pre_insert_{$post_type}", array( $this, 'write_content_id_with_the_post' ), 10, 2 );
		}
	}

	/** Registers the three keys on posts and pages (on init). */
	public function register_meta(): void {
		$auth = array( self::class, 'can_edit_meta' );
		foreach ( self::POST_TYPES as $post_type ) {
			register_post_meta(
				$post_type,
				self::CONTENT_ID,
				array(
					'type'              => 'string',
					'description'       => __( 'The id of the IGNY8 content this post was published from (set by IGNY8; do not change it, or IGNY8 publishes a second post).', 'igny8' ),
					'single'            => true,
					'default'           => '',
					'sanitize_callback' => array( self::class, 'sanitize_content_id' ),
					'auth_callback'     => $auth,
					'show_in_rest'      => array(
						'schema' => array(
							'type'    => 'string',
							// A uuid, or '' before IGNY8 set it (the registered default).
							'pattern' => '^$|^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
							'context' => array( 'edit' ),
						),
					),
				)
			);
			register_post_meta(
				$post_type,
				self::SEO_TITLE,
				array(
					'type'              => 'string',
					'description'       => __( 'SEO title written by IGNY8 (copied into Yoast SEO or Rank Math when one of them is active).', 'igny8' ),
					'single'            => true,
					'default'           => '',
					'sanitize_callback' => 'sanitize_text_field',
					'auth_callback'     => $auth,
					'show_in_rest'      => array(
						'schema' => array(
							'type'      => 'string',
							'maxLength' => self::SEO_TITLE_MAX,
							'context'   => array( 'edit' ),
						),
					),
				)
			);
			register_post_meta(
				$post_type,
				self::SEO_DESCRIPTION,
				array(
					'type'              => 'string',
					'description'       => __( 'Meta description written by IGNY8 (copied into Yoast SEO or Rank Math when one of them is active).', 'igny8' ),
					'single'            => true,
					'default'           => '',
					'sanitize_callback' => 'sanitize_text_field',
					'auth_callback'     => $auth,
					'show_in_rest'      => array(
						'schema' => array(
							'type'      => 'string',
							'maxLength' => self::SEO_DESCRIPTION_MAX,
							'context'   => array( 'edit' ),
						),
					),
				)
			);
		}
	}

	/**
	 * auth_callback of the three keys: whoever may edit the post may edit its IGNY8 meta (WordPress's default for
	 * a protected key is nobody).
	 *
	 * @param bool   $allowed   Whether allowed so far.
	 * @param string $meta_key  Meta key.
	 * @param int    $object_id Post id.
	 * @param int    $user_id   User id.
	 */
	public static function can_edit_meta( $allowed, $meta_key, $object_id, $user_id ): bool {
		return $object_id > 0 && user_can( (int) $user_id, 'edit_post', (int) $object_id );
	}

	/**
	 * Content ids are stored trimmed and lower-case, so the lookup compares exact strings.
	 *
	 * @param mixed $value Value.
	 */
	public static function sanitize_content_id( $value ): string {
		return is_string( $value ) ? strtolower( trim( $value ) ) : '';
	}

	/**
	 * The content id of a REST request's meta, when it carries a valid one.
	 *
	 * @param WP_REST_Request $request Request.
	 */
	public static function content_id_of( WP_REST_Request $request ): ?string {
		$meta = $request->get_param( 'meta' );
		$id   = is_array( $meta ) && is_string( $meta[ self::CONTENT_ID ] ?? null ) ? self::sanitize_content_id( $meta[ self::CONTENT_ID ] ) : '';
		return wp_is_uuid( $id ) ? $id : null;
	}

	/**
	 * rest_pre_insert_{post_type}: when a REST request creates a post with our content id, the id goes into the
	 * same wp_insert_post() call (meta_input) instead of waiting for the REST meta step, which runs after the
	 * post exists and after featured image and terms: if any of those failed, WordPress would answer an error
	 * for a post that exists without the id, and the server's retry would publish it a second time.
	 *
	 * @param \stdClass|\WP_Error $prepared_post The post about to be inserted.
	 * @param WP_REST_Request     $request       Request.
	 * @return \stdClass|\WP_Error
	 */
	public function write_content_id_with_the_post( $prepared_post, $request ) {
		if ( ! $prepared_post instanceof \stdClass || ! $request instanceof WP_REST_Request || ! empty( $prepared_post->ID ) ) {
			return $prepared_post; // Updates go through the REST meta step, with its per-post capability check.
		}
		$content_id = self::content_id_of( $request );
		$type       = get_post_type_object( (string) ( $prepared_post->post_type ?? '' ) );
		if ( null === $content_id || ! $type || ! current_user_can( $type->cap->create_posts ) ) {
			return $prepared_post;
		}
		$meta_input                     = isset( $prepared_post->meta_input ) && is_array( $prepared_post->meta_input ) ? $prepared_post->meta_input : array();
		$meta_input[ self::CONTENT_ID ] = $content_id;
		$prepared_post->meta_input      = $meta_input;
		return $prepared_post;
	}

	/**
	 * Whether a post carries an IGNY8 content id.
	 *
	 * @param WP_Post|int $post Post.
	 */
	public static function is_igny8_post( $post ): bool {
		$post = get_post( $post );
		return $post instanceof WP_Post && '' !== (string) get_post_meta( $post->ID, self::CONTENT_ID, true );
	}
}
