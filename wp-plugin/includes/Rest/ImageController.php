<?php
/**
 * igny8/v1/images/{imageId}: the bytes of a content image, for the Writer screen's previews.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Rest;

use IGNY8\Connection\KeyStore;
use IGNY8\Connection\ServerClient;
use WP_Error;
use WP_HTTP_Response;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Fetches `writer/images/:imageId/file` from the server, signed for the WordPress user (edit_posts, cookie and
 * wp_rest nonce like every browser route), and serves the bytes as they are with their image content type. Only
 * raster image types pass: anything else (HTML, SVG) is refused, so nothing the server sends runs on this origin.
 */
final class ImageController extends RestController {

	/** Content types served; the server makes PNG files, the others are accepted for future providers. */
	public const IMAGE_TYPES = array( 'image/png', 'image/jpeg', 'image/webp', 'image/gif' );

	private const ROUTE = '/images/(?P<image_id>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})';

	private ServerClient $client;

	/**
	 * Constructor.
	 *
	 * @param ServerClient|null $client Server client.
	 */
	public function __construct( ?ServerClient $client = null ) {
		$this->client = $client ?? new ServerClient( new KeyStore() );
	}

	/** Registers the route and the filter that sends its bytes unencoded. */
	public function register_routes(): void {
		register_rest_route(
			$this->namespace,
			self::ROUTE,
			array(
				array(
					'methods'             => 'GET',
					'callback'            => array( $this, 'serve' ),
					'permission_callback' => array( $this, 'can_view' ),
				),
			)
		);
		if ( false === has_filter( 'rest_pre_serve_request', array( self::class, 'send_bytes' ) ) ) {
			add_filter( 'rest_pre_serve_request', array( self::class, 'send_bytes' ), 10, 4 );
		}
	}

	/**
	 * Signed-in users who can edit posts.
	 *
	 * @return true|WP_Error
	 */
	public function can_view() {
		$signed_in = self::require_signed_in();
		if ( true !== $signed_in ) {
			return $signed_in;
		}
		return self::require_capabilities( array( 'edit_posts' ), __( 'Only users who can edit posts can use IGNY8.', 'igny8' ) );
	}

	/**
	 * The image: a response whose data is the bytes (send_bytes() prints them as they are).
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function serve( WP_REST_Request $request ) {
		$image_id = strtolower( (string) $request['image_id'] );
		$user     = wp_get_current_user();
		$file     = $this->client->download( 'writer/images/' . $image_id . '/file', (int) $user->ID, AppController::level_of( $user ) );
		if ( $file instanceof WP_Error ) {
			return $file;
		}
		$type = strtolower( trim( explode( ';', $file['type'] )[0] ) );
		if ( ! in_array( $type, self::IMAGE_TYPES, true ) ) {
			return new WP_Error(
				'igny8_not_an_image',
				__( 'IGNY8 sent something that is not an image for this picture. Make the images again from the Writer screen.', 'igny8' ),
				array( 'status' => 502 )
			);
		}
		$response = new WP_REST_Response( $file['bytes'], 200 );
		$response->header( 'Content-Type', $type );
		$response->header( 'Content-Length', (string) strlen( $file['bytes'] ) );
		$response->header( 'X-Content-Type-Options', 'nosniff' );
		$response->header( 'Content-Security-Policy', "default-src 'none'" );
		// The bytes behind one image id never change (a regenerated image gets a new id); only this user may see them.
		$response->header( 'Cache-Control', $file['headers']['cache-control'] ?? 'private, max-age=86400' );
		return $response;
	}

	/**
	 * Prints an image answer of this route as raw bytes instead of JSON (rest_pre_serve_request).
	 *
	 * @param bool             $served  Whether the request was already served.
	 * @param WP_HTTP_Response $result  The response.
	 * @param WP_REST_Request  $request The request.
	 * @param WP_REST_Server   $server  The server (sends the headers).
	 */
	public static function send_bytes( $served, $result, $request, $server ): bool {
		if ( $served || ! $result instanceof WP_HTTP_Response || ! $request instanceof WP_REST_Request ) {
			return (bool) $served;
		}
		if ( 1 !== preg_match( '#^/' . preg_quote( self::NAMESPACE, '#' ) . self::ROUTE . '$#', $request->get_route() ) || 200 !== $result->get_status() || ! is_string( $result->get_data() ) ) {
			return false;
		}
		$type = (string) ( $result->get_headers()['Content-Type'] ?? '' );
		if ( ! in_array( $type, self::IMAGE_TYPES, true ) ) {
			return false;
		}
		if ( $server instanceof WP_REST_Server ) {
			$server->send_header( 'Content-Type', $type );
		}
		echo $result->get_data(); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- image bytes of a checked image type.
		return true;
	}
}
