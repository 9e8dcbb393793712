<?php
/**
 * Routes the IGNY8 server calls while publishing, beside WordPress's own wp/v2 routes (which it calls as the
 * publishing user). Both require the server's request signature (docs/connection-protocol.md); a login cookie
 * or an application password means nothing here.
 *
 * - GET  igny8/v1/content/<content id>: the post published from that IGNY8 content, in any status (trash and
 *   drafts included), or 404 igny8_not_found. The server asks it before every create: exactly-once publishing.
 * - POST igny8/v1/terms/ensure { taxonomy, names }: category or tag ids by name, created when missing (an Author
 *   cannot create terms).
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Rest;

use IGNY8\Publishing\ContentIndex;
use IGNY8\Publishing\Terms;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * GET content/<id>, POST terms/ensure.
 */
final class PublishingController extends RestController {

	/** @var callable(WP_REST_Request): (true|WP_Error) */
	private $is_signed_by_server;

	/**
	 * Constructor.
	 *
	 * @param callable $is_signed_by_server Permission callback checking the server's signature.
	 */
	public function __construct( callable $is_signed_by_server ) {
		$this->is_signed_by_server = $is_signed_by_server;
	}

	/** Registers the routes. */
	public function register_routes(): void {
		register_rest_route(
			$this->namespace,
			'/content/(?P<content_id>[0-9a-f-]{36})',
			array(
				'methods'             => WP_REST_Server::READABLE,
				'callback'            => array( $this, 'find_content' ),
				'permission_callback' => $this->is_signed_by_server,
				'args'                => array(
					'content_id' => array(
						'description' => __( 'The IGNY8 content id (a lower-case uuid).', 'igny8' ),
						'type'        => 'string',
						'pattern'     => '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
						'required'    => true,
					),
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/terms/ensure',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( $this, 'ensure_terms' ),
				'permission_callback' => $this->is_signed_by_server,
				'args'                => array(
					'taxonomy' => array(
						'description' => __( 'category or post_tag.', 'igny8' ),
						'type'        => 'string',
						'enum'        => Terms::TAXONOMIES,
						'required'    => true,
					),
					'names'    => array(
						'description' => __( 'Term names; the missing ones are created.', 'igny8' ),
						'type'        => 'array',
						'items'       => array(
							'type'      => 'string',
							'minLength' => 1,
							'maxLength' => Terms::MAX_NAME_LENGTH,
						),
						'minItems'    => 1,
						'maxItems'    => Terms::MAX_NAMES,
						'required'    => true,
					),
				),
			)
		);
	}

	/**
	 * GET content/<id>: { postId, type, status, link, modified[, duplicates] } or 404.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function find_content( WP_REST_Request $request ) {
		$content_id = (string) $request->get_param( 'content_id' );
		$found      = ( new ContentIndex() )->find( $content_id );
		if ( null === $found ) {
			return new WP_Error(
				'igny8_not_found',
				/* translators: %s: IGNY8 content id */
				sprintf( __( 'No post or page on this site carries the IGNY8 content id %s (in any status, trash included).', 'igny8' ), $content_id ),
				array( 'status' => 404 )
			);
		}
		$response = new WP_REST_Response( $found );
		$response->header( 'Cache-Control', 'no-store' );
		return $response;
	}

	/**
	 * POST terms/ensure: { taxonomy, terms: [{ name, id, created }] }.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function ensure_terms( WP_REST_Request $request ) {
		$taxonomy = (string) $request->get_param( 'taxonomy' );
		$names    = $request->get_param( 'names' );
		$terms    = ( new Terms() )->ensure( $taxonomy, is_array( $names ) ? $names : array() );
		if ( $terms instanceof WP_Error ) {
			return $terms;
		}
		return new WP_REST_Response(
			array(
				'taxonomy' => $taxonomy,
				'terms'    => $terms,
			)
		);
	}
}
