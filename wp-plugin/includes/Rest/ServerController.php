<?php
/**
 * Routes the IGNY8 server calls on this site. All but connect/verify require the server's request signature
 * (docs/connection-protocol.md); a WordPress login cookie means nothing here.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Rest;

use IGNY8\Connection\Connection;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * POST connect/verify, GET status, POST rotate-server-key, POST disconnect.
 */
final class ServerController extends RestController {

	private Connection $connection;

	/**
	 * Constructor.
	 *
	 * @param Connection $connection The connection service.
	 */
	public function __construct( Connection $connection ) {
		$this->connection = $connection;
	}

	/** Registers the routes. */
	public function register_routes(): void {
		register_rest_route(
			$this->namespace,
			'/connect/verify',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( $this, 'verify' ),
				// Public on purpose: the proof is secret1 itself (256 random bits, single use, 10 minutes),
				// checked by the handler; it must answer the server before any key is exchanged.
				'permission_callback' => '__return_true',
				'args'                => array(
					'secret1' => array(
						'description' => __( 'The first handshake secret, as the plugin sent it to the server.', 'igny8' ),
						'type'        => 'string',
					),
				),
			)
		);
		register_rest_route(
			$this->namespace,
			'/status',
			array(
				'methods'             => WP_REST_Server::READABLE,
				'callback'            => array( $this, 'status' ),
				'permission_callback' => array( $this, 'is_signed_by_server' ),
			)
		);
		register_rest_route(
			$this->namespace,
			'/rotate-server-key',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( $this, 'rotate_server_key' ),
				'permission_callback' => array( $this, 'is_signed_by_server' ),
			)
		);
		register_rest_route(
			$this->namespace,
			'/disconnect',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( $this, 'disconnect' ),
				'permission_callback' => array( $this, 'is_signed_by_server' ),
			)
		);
	}

	/**
	 * Permission: a valid signature by one of the connected server's keys, for this site's id and URL.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return true|WP_Error
	 */
	public function is_signed_by_server( WP_REST_Request $request ) {
		$result = self::verify_server_signature( $request );
		if ( true === $result ) {
			$this->connection->touch();
		}
		return $result;
	}

	/**
	 * connect/verify: { secret1 } -> { secret2 }, once.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function verify( WP_REST_Request $request ) {
		$secret1 = $request->get_param( 'secret1' );
		$secret2 = $this->connection->verify_secret( is_string( $secret1 ) ? $secret1 : '' );
		if ( $secret2 instanceof WP_Error ) {
			return $secret2;
		}
		$response = new WP_REST_Response( array( 'secret2' => $secret2 ) );
		$response->header( 'Cache-Control', 'no-store' );
		return $response;
	}

	/** GET status: versions and health. */
	public function status(): WP_REST_Response {
		return new WP_REST_Response( $this->connection->server_status() );
	}

	/**
	 * rotate-server-key: { newPublicKey, newKeyId } replaces the server's key.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function rotate_server_key( WP_REST_Request $request ) {
		$body   = $request->get_json_params();
		$body   = is_array( $body ) ? $body : array();
		$result = $this->connection->replace_server_key( $body['newPublicKey'] ?? null, $body['newKeyId'] ?? null );
		if ( $result instanceof WP_Error ) {
			return $result;
		}
		return new WP_REST_Response( array( 'keyId' => $body['newKeyId'] ) );
	}

	/** disconnect: the server ends the connection; forget it here without calling back. */
	public function disconnect(): WP_REST_Response {
		$this->connection->disconnect( false );
		return new WP_REST_Response( array( 'disconnected' => true ) );
	}
}
