<?php
/**
 * Browser-facing connection routes for the wp-admin Connection screen: read the status, connect (with a key, or
 * in one click through the IGNY8 app: authorize, then grant), disconnect, rotate the site key.
 *
 * WordPress's cookie authentication with the wp_rest nonce authenticates the admin; every route requires
 * manage_options. Answers never carry key material, secrets or the application password.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Rest;

use IGNY8\Admin\ConnectionScreen;
use IGNY8\Connection\Connection;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * GET/POST/DELETE igny8/v1/connection, POST igny8/v1/connection/authorize, POST igny8/v1/connection/grant and
 * POST igny8/v1/connection/rotate.
 */
final class ConnectionController extends RestController {

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
			'/connection',
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_connection' ),
					'permission_callback' => array( $this, 'can_manage' ),
				),
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'connect' ),
					'permission_callback' => array( $this, 'can_manage' ),
					'args'                => array(
						'serverUrl'     => array(
							'description'       => __( 'Address of the IGNY8 server, such as https://app.igny8.com.', 'igny8' ),
							'type'              => 'string',
							'format'            => 'uri',
							'required'          => true,
							'validate_callback' => array( self::class, 'validate_server_url' ),
							'sanitize_callback' => array( self::class, 'sanitize_server_url' ),
						),
						'connectionKey' => array(
							'description'       => __( 'Connection key created in the IGNY8 account (single use, valid one hour).', 'igny8' ),
							'type'              => 'string',
							'required'          => true,
							'validate_callback' => array( self::class, 'validate_connection_key' ),
							'sanitize_callback' => array( self::class, 'sanitize_connection_key' ),
						),
					),
				),
				array(
					'methods'             => WP_REST_Server::DELETABLE,
					'callback'            => array( $this, 'disconnect' ),
					'permission_callback' => array( $this, 'can_manage' ),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
		register_rest_route(
			$this->namespace,
			'/connection/authorize',
			array(
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'authorize' ),
					'permission_callback' => array( $this, 'can_manage' ),
					'args'                => array(
						'serverUrl' => array(
							'description'       => __( 'Another IGNY8 server than the configured one, such as https://app.igny8.com.', 'igny8' ),
							'type'              => 'string',
							'format'            => 'uri',
							'required'          => false,
							'validate_callback' => array( self::class, 'validate_server_url' ),
							'sanitize_callback' => array( self::class, 'sanitize_server_url' ),
						),
					),
				),
				'schema' => array( $this, 'get_authorize_schema' ),
			)
		);
		register_rest_route(
			$this->namespace,
			'/connection/grant',
			array(
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'complete' ),
					'permission_callback' => array( $this, 'can_manage' ),
					'args'                => array(
						'grant' => array(
							'description' => __( 'The connection grant IGNY8 sent the browser back with (igny8_grant).', 'igny8' ),
							'type'        => 'string',
							'required'    => true,
							'maxLength'   => 400,
						),
						'state' => array(
							'description' => __( 'The state IGNY8 sent the browser back with (igny8_state).', 'igny8' ),
							'type'        => 'string',
							'required'    => true,
							'maxLength'   => 400,
						),
					),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
		register_rest_route(
			$this->namespace,
			'/connection/rotate',
			array(
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'rotate' ),
					'permission_callback' => array( $this, 'can_manage' ),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
	}

	/**
	 * Only administrators manage the connection.
	 *
	 * @return true|WP_Error
	 */
	public function can_manage() {
		return self::require_capabilities(
			array( 'manage_options' ),
			__( 'Only administrators (who can manage options) can view or change the IGNY8 connection.', 'igny8' )
		);
	}

	/** GET: the status (refreshed with a heartbeat when older than a minute). */
	public function get_connection(): WP_REST_Response {
		return $this->no_store( $this->connection->status() );
	}

	/**
	 * POST: connects the site (the whole handshake runs in this request).
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function connect( WP_REST_Request $request ) {
		$status = $this->connection->start(
			(string) $request->get_param( 'serverUrl' ),
			(string) $request->get_param( 'connectionKey' ),
			get_current_user_id()
		);
		return $status instanceof WP_Error ? $status : $this->no_store( $status );
	}

	/**
	 * POST authorize: Connect to IGNY8 starts; answers the IGNY8 app's address for the browser to go to.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function authorize( WP_REST_Request $request ) {
		$server_url = $request->get_param( 'serverUrl' );
		$answer     = $this->connection->authorize(
			get_current_user_id(),
			admin_url( 'admin.php?page=' . ConnectionScreen::SLUG ),
			is_string( $server_url ) ? $server_url : null
		);
		return $answer instanceof WP_Error ? $answer : $this->no_store( $answer );
	}

	/**
	 * POST grant: the browser came back from the IGNY8 app; checks the state and runs the handshake with the grant.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function complete( WP_REST_Request $request ) {
		$status = $this->connection->complete(
			(string) $request->get_param( 'grant' ),
			(string) $request->get_param( 'state' ),
			get_current_user_id()
		);
		return $status instanceof WP_Error ? $status : $this->no_store( $status );
	}

	/** DELETE: disconnects (tells the server, best effort; forgets the keys whatever it answers). */
	public function disconnect(): WP_REST_Response {
		return $this->no_store( $this->connection->disconnect( true ) );
	}

	/**
	 * POST rotate: replaces the site's key pair.
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public function rotate() {
		$status = $this->connection->rotate_key();
		return $status instanceof WP_Error ? $status : $this->no_store( $status );
	}

	/**
	 * Validates serverUrl: its type, then the URL rules of Connection::validate_server_url().
	 *
	 * @param mixed           $value   Value.
	 * @param WP_REST_Request $request Request.
	 * @param string          $param   Parameter name.
	 * @return true|WP_Error
	 */
	public static function validate_server_url( $value, WP_REST_Request $request, string $param ) {
		if ( ! is_string( $value ) ) {
			return rest_validate_request_arg( $value, $request, $param );
		}
		$url = Connection::validate_server_url( $value );
		return $url instanceof WP_Error ? $url : true;
	}

	/**
	 * Normalizes serverUrl (scheme://host[:port][/path], no trailing slash).
	 *
	 * @param mixed $value Validated value.
	 * @return string|WP_Error
	 */
	public static function sanitize_server_url( $value ) {
		return Connection::validate_server_url( (string) $value );
	}

	/**
	 * Validates connectionKey's type and shape.
	 *
	 * @param mixed           $value   Value.
	 * @param WP_REST_Request $request Request.
	 * @param string          $param   Parameter name.
	 * @return true|WP_Error
	 */
	public static function validate_connection_key( $value, WP_REST_Request $request, string $param ) {
		if ( ! is_string( $value ) ) {
			return rest_validate_request_arg( $value, $request, $param );
		}
		$key = Connection::validate_connection_key( $value );
		return $key instanceof WP_Error ? $key : true;
	}

	/**
	 * Trims connectionKey.
	 *
	 * @param mixed $value Validated value.
	 */
	public static function sanitize_connection_key( $value ): string {
		return trim( (string) $value );
	}

	/**
	 * JSON schema of the answer, for the REST index and clients.
	 *
	 * @return array<string, mixed>
	 */
	public function get_item_schema(): array {
		$nullable_string = array( 'type' => array( 'string', 'null' ) );
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'igny8-connection',
			'type'       => 'object',
			'properties' => array(
				'connected'     => array( 'type' => 'boolean' ),
				'serverUrl'     => $nullable_string,
				'siteId'        => $nullable_string,
				'accountId'     => $nullable_string,
				'accountName'   => $nullable_string,
				'siteUrl'       => array( 'type' => 'string' ),
				'keyId'         => $nullable_string,
				'lastContactAt' => $nullable_string + array( 'format' => 'date-time' ),
				'credits'       => array(
					'type'       => array( 'object', 'null' ),
					'properties' => array( 'balance' => array( 'type' => 'number' ) ),
				),
				'publisherUser' => $nullable_string,
			),
		);
	}

	/**
	 * JSON schema of POST connection/authorize's answer.
	 *
	 * @return array<string, mixed>
	 */
	public function get_authorize_schema(): array {
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'igny8-connection-authorize',
			'type'       => 'object',
			'properties' => array(
				'url'       => array(
					'type'   => 'string',
					'format' => 'uri',
				),
				'serverUrl' => array( 'type' => 'string' ),
				'expiresAt' => array(
					'type'   => 'string',
					'format' => 'date-time',
				),
			),
		);
	}

	/**
	 * Status answer that no proxy or browser cache keeps.
	 *
	 * @param array<string, mixed> $status Status.
	 */
	private function no_store( array $status ): WP_REST_Response {
		$response = new WP_REST_Response( $status );
		$response->header( 'Cache-Control', 'no-store' );
		return $response;
	}
}
