<?php
/**
 * Who may call each igny8/v1 route. The table below must cover EVERY route registered in the namespace: a new
 * route without a row fails test_every_route_has_a_case, so nobody adds an endpoint without deciding who may
 * call it.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Tests;

use IGNY8\Connection\KeyStore;
use IGNY8\Connection\Signature;
use IGNY8\Rest\RestController;
use WP_REST_Request;
use WP_REST_Response;

/**
 * Permissions of the igny8/v1 routes for anonymous visitors, editors, administrators and the signed server.
 */
final class RoutePermissionsTest extends IntegrationTestCase {

	/**
	 * Every "METHOD route" of the namespace and its audience:
	 * - index: WordPress's own namespace index (lists route names only; public in every namespace);
	 * - browser: wp-admin, cookie + nonce, manage_options;
	 * - handshake: public, but answers only the pending secret1 (connect/verify);
	 * - signed: the IGNY8 server's Ed25519 signature;
	 * - app: wp-admin, cookie + nonce, a capability per forwarded server path (AppController);
	 * - image: wp-admin, cookie + nonce, edit_posts; fetches an image file from the server (ImageController);
	 * - editor-image: wp-admin, cookie + nonce, edit_posts + upload_files + editing the post named in the body
	 *   (EditorImageController; EditorImageRouteTest covers it with posts).
	 */
	private const CASES = array(
		'GET /igny8/v1'                    => 'index',
		'GET /igny8/v1/connection'         => 'browser',
		'POST /igny8/v1/connection'        => 'browser',
		'DELETE /igny8/v1/connection'      => 'browser',
		'POST /igny8/v1/connection/rotate' => 'browser',
		'POST /igny8/v1/connection/authorize' => 'browser',
		'POST /igny8/v1/connection/grant'  => 'browser',
		'GET /igny8/v1/settings'           => 'browser',
		'POST /igny8/v1/settings'          => 'browser',
		'POST /igny8/v1/connect/verify'    => 'handshake',
		'GET /igny8/v1/status'             => 'signed',
		'POST /igny8/v1/rotate-server-key' => 'signed',
		'POST /igny8/v1/disconnect'        => 'signed',
		'GET /igny8/v1/content/(?P<content_id>[0-9a-f-]{36})' => 'signed',
		'POST /igny8/v1/terms/ensure'      => 'signed',
		'GET /igny8/v1/app/(?P<path>[A-Za-z0-9._~/-]+)'    => 'app',
		'POST /igny8/v1/app/(?P<path>[A-Za-z0-9._~/-]+)'   => 'app',
		'PUT /igny8/v1/app/(?P<path>[A-Za-z0-9._~/-]+)'    => 'app',
		'PATCH /igny8/v1/app/(?P<path>[A-Za-z0-9._~/-]+)'  => 'app',
		'DELETE /igny8/v1/app/(?P<path>[A-Za-z0-9._~/-]+)' => 'app',
		'GET /igny8/v1/images/(?P<image_id>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})' => 'image',
		'POST /igny8/v1/editor-images/(?P<editor_image_id>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})/attachment' => 'editor-image',
	);

	/** The path requested for a route with parameters. */
	private const PATHS = array(
		'GET /igny8/v1/content/(?P<content_id>[0-9a-f-]{36})' => '/igny8/v1/content/0b7e3a52-8d1c-4f7e-9a43-5c2f1e8b9d60',
		// Not on AppController's allowlist: refused before anything is forwarded (AppForwardingTest covers the rest).
		'GET /igny8/v1/app/(?P<path>[A-Za-z0-9._~/-]+)'    => '/igny8/v1/app/members',
		'POST /igny8/v1/app/(?P<path>[A-Za-z0-9._~/-]+)'   => '/igny8/v1/app/members',
		'PUT /igny8/v1/app/(?P<path>[A-Za-z0-9._~/-]+)'    => '/igny8/v1/app/members',
		'PATCH /igny8/v1/app/(?P<path>[A-Za-z0-9._~/-]+)'  => '/igny8/v1/app/members',
		'DELETE /igny8/v1/app/(?P<path>[A-Za-z0-9._~/-]+)' => '/igny8/v1/app/members',
		'GET /igny8/v1/images/(?P<image_id>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})' => '/igny8/v1/images/0b7e3a52-8d1c-4f7e-9a43-5c2f1e8b9d60',
		'POST /igny8/v1/editor-images/(?P<editor_image_id>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})/attachment' => '/igny8/v1/editor-images/0b7e3a52-8d1c-4f7e-9a43-5c2f1e8b9d60/attachment',
	);

	/** Parameters that pass validation, so a refusal can only come from the permission check. */
	private const VALID_PARAMS = array(
		'POST /igny8/v1/connection'     => array(
			'serverUrl'     => 'https://igny8.example',
			'connectionKey' => 'ck_0123456789abcdefghijklmnop',
		),
		'POST /igny8/v1/connection/grant' => array(
			'grant' => 'igny8cg_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG',
			'state' => 'not-a-state-anyone-made-0123456789abcdefghij',
		),
		'POST /igny8/v1/connect/verify' => array( 'secret1' => 'not-the-pending-secret-0123456789abcdefghij' ),
		'POST /igny8/v1/settings'       => array( 'defaultPostStatus' => 'draft' ),
		'POST /igny8/v1/terms/ensure'   => array(
			'taxonomy' => 'post_tag',
			'names'    => array( 'igny8-never-created-by-a-permission-test' ),
		),
	);

	/** @var array{site_id: string, server: array<string, string>, site: array<string, string>} */
	private array $connection;

	protected function setUp(): void {
		parent::setUp();
		$this->connection = $this->connect_test_site();
	}

	public function test_every_route_has_a_case(): void {
		$registered = array();
		foreach ( rest_get_server()->get_routes( 'igny8/v1' ) as $route => $handlers ) {
			foreach ( $handlers as $handler ) {
				foreach ( array_keys( $handler['methods'] ) as $method ) {
					$registered[] = $method . ' ' . $route;
					if ( 'index' !== ( self::CASES[ $method . ' ' . $route ] ?? null ) ) {
						$this->assertNotNull( $handler['permission_callback'] ?? null, "{$method} {$route} has a permission_callback" );
					}
				}
			}
		}
		sort( $registered );
		$cases = array_keys( self::CASES );
		sort( $cases );
		$this->assertSame( array(), array_values( array_diff( $registered, $cases ) ), 'igny8/v1 routes without a permission case in RoutePermissionsTest::CASES' );
		$this->assertSame( array(), array_values( array_diff( $cases, $registered ) ), 'cases for routes that are not registered (is the plugin hooking rest_api_init?)' );
	}

	public function test_every_route_is_served_by_a_controller_on_the_shared_base(): void {
		foreach ( rest_get_server()->get_routes( RestController::NAMESPACE ) as $route => $handlers ) {
			if ( '/' . RestController::NAMESPACE === $route ) {
				continue; // WordPress's own namespace index.
			}
			foreach ( $handlers as $handler ) {
				$this->assertIsArray( $handler['callback'], $route );
				$this->assertInstanceOf( RestController::class, $handler['callback'][0], "{$route} is served by a RestController" );
				if ( is_array( $handler['permission_callback'] ) ) {
					$this->assertInstanceOf( RestController::class, $handler['permission_callback'][0], "{$route} is permitted by a RestController" );
				}
			}
		}
	}

	public function test_anonymous_visitors(): void {
		foreach ( self::CASES as $case => $audience ) {
			$response = $this->call( $case, self::VALID_PARAMS[ $case ] ?? array() );
			switch ( $audience ) {
				case 'index':
					$this->assertStatus( 200, $response, $case );
					break;
				case 'browser':
					$this->assertError( 401, 'rest_forbidden', $response, $case );
					break;
				case 'handshake':
					$this->assertError( 403, 'igny8_verify_failed', $response, $case );
					break;
				case 'signed':
					$this->assertError( 401, 'igny8_signature_invalid', $response, $case );
					break;
				case 'app':
				case 'image':
				case 'editor-image':
					$this->assertError( 401, 'rest_forbidden', $response, $case );
					break;
			}
		}
	}

	public function test_editors(): void {
		wp_set_current_user( $this->user_id( 'editor' ) );
		foreach ( self::CASES as $case => $audience ) {
			$response = $this->call( $case, self::VALID_PARAMS[ $case ] ?? array() );
			switch ( $audience ) {
				case 'index':
					$this->assertStatus( 200, $response, $case );
					break;
				case 'browser':
					$this->assertError( 403, 'rest_forbidden', $response, $case );
					break;
				case 'handshake':
					$this->assertError( 403, 'igny8_verify_failed', $response, $case );
					break;
				case 'signed':
					$this->assertError( 401, 'igny8_signature_invalid', $response, $case );
					break;
				case 'app':
					$this->assertError( 404, 'igny8_unknown_route', $response, $case );
					break;
				case 'image':
					// Allowed: the request goes to the server, which the fake server refuses in this test.
					$this->assertError( 502, 'igny8_server_unreachable', $response, $case );
					break;
				case 'editor-image':
					// Allowed to ask, but for no post: refused before the network.
					$this->assertError( 400, 'igny8_invalid_post', $response, $case );
					break;
			}
		}
	}

	public function test_administrators_manage_the_connection_but_cannot_call_server_routes(): void {
		wp_set_current_user( $this->user_id( 'admin' ) );
		$this->server->on(
			'/api/v1/connect/rotate-key',
			function ( array $request ): array {
				$this->assertTrue( FakeServer::is_signed_by( $request, $this->connection['site']['public'] ) );
				return FakeServer::ok( array( 'keyId' => json_decode( $request['body'], true )['newKeyId'] ) );
			}
		);
		$this->server->on(
			'/api/v1/connect/disconnect',
			static function (): array {
				return FakeServer::ok( array( 'disconnected' => true ) );
			}
		);

		foreach ( self::CASES as $case => $audience ) {
			$this->connection = $this->connect_test_site();
			switch ( $case ) {
				case 'GET /igny8/v1/connection':
					$response = $this->call( $case );
					$this->assertStatus( 200, $response, $case );
					$this->assertTrue( $this->data( $response )['connected'] );
					$this->assertSame( $this->connection['site_id'], $this->data( $response )['siteId'] );
					break;
				case 'POST /igny8/v1/connection':
					$requests_before = count( $this->server->requests );
					$response        = $this->call(
						$case,
						array(
							'serverUrl'     => 'ftp://igny8.example',
							'connectionKey' => 'ck_0123456789abcdefghijklmnop',
						)
					);
					$this->assertError( 400, 'rest_invalid_param', $response, $case );
					$this->assertSame( 'igny8_invalid_server_url', $this->data( $response )['data']['details']['serverUrl']['code'] ?? null );
					$this->assertCount( $requests_before, $this->server->requests, 'an invalid server URL reaches no network' );
					break;
				case 'DELETE /igny8/v1/connection':
					$response = $this->call( $case );
					$this->assertStatus( 200, $response, $case );
					$this->assertFalse( $this->data( $response )['connected'] );
					$this->assertNull( ( new KeyStore() )->connection() );
					break;
				case 'POST /igny8/v1/connection/rotate':
					$response = $this->call( $case );
					$this->assertStatus( 200, $response, $case );
					$this->assertNotSame( $this->connection['site']['key_id'], $this->data( $response )['keyId'] );
					break;
				case 'POST /igny8/v1/connection/authorize':
					$response = $this->call( $case );
					$this->assertError( 409, 'igny8_already_connected', $response, $case );
					break;
				case 'POST /igny8/v1/connection/grant':
					$requests_before = count( $this->server->requests );
					$response        = $this->call( $case, self::VALID_PARAMS[ $case ] );
					$this->assertError( 400, 'igny8_connect_state_invalid', $response, $case );
					$this->assertCount( $requests_before, $this->server->requests, 'a state nobody made reaches no network' );
					break;
				case 'GET /igny8/v1/settings':
				case 'POST /igny8/v1/settings':
					$response = $this->call( $case, self::VALID_PARAMS[ $case ] ?? array() );
					$this->assertStatus( 200, $response, $case );
					$this->assertContains( $this->data( $response )['defaultPostStatus'], array( 'publish', 'draft' ), $case );
					delete_option( \IGNY8\Publishing\Defaults::STATUS_OPTION );
					break;
				default:
					$response = $this->call( $case, self::VALID_PARAMS[ $case ] ?? array() );
					if ( 'index' === $audience ) {
						$this->assertStatus( 200, $response, $case );
					} elseif ( 'handshake' === $audience ) {
						$this->assertError( 403, 'igny8_verify_failed', $response, $case );
					} elseif ( 'app' === $audience ) {
						$this->assertError( 404, 'igny8_unknown_route', $response, $case );
					} elseif ( 'image' === $audience ) {
						$this->assertError( 502, 'igny8_server_unreachable', $response, $case );
					} elseif ( 'editor-image' === $audience ) {
						$this->assertError( 400, 'igny8_invalid_post', $response, $case );
					} else {
						// A login cookie is not a signature.
						$this->assertError( 401, 'igny8_signature_invalid', $response, $case );
					}
			}
		}
	}

	public function test_browser_routes_never_answer_key_material(): void {
		wp_set_current_user( $this->user_id( 'admin' ) );
		$json = (string) wp_json_encode( $this->data( $this->call( 'GET /igny8/v1/connection' ) ) );
		foreach ( array( $this->connection['site']['private'], $this->connection['server']['public'], $this->connection['site']['public'] ) as $secret ) {
			$this->assertStringNotContainsString( $secret, $json );
		}
		$this->assertSame(
			array( 'connected', 'serverUrl', 'siteId', 'accountId', 'accountName', 'siteUrl', 'keyId', 'lastContactAt', 'credits', 'publisherUser' ),
			array_keys( $this->data( $this->call( 'GET /igny8/v1/connection' ) ) )
		);
	}

	public function test_the_server_calls_signed_routes(): void {
		$key     = $this->connection['server'];
		$site_id = $this->connection['site_id'];

		foreach ( array( 'pretty', 'plain' ) as $form ) {
			$response = $this->dispatch( $this->signed_request( 'GET', '/igny8/v1/status', '', $key, $site_id, array( 'form' => $form ) ) );
			$this->assertStatus( 200, $response, "GET status ({$form})" );
			$data = $this->data( $response );
			$this->assertSame( 'ok', $data['health'] );
			$this->assertSame( PHP_VERSION, $data['phpVersion'] );
			$this->assertSame( home_url(), $data['siteUrl'] );
		}

		$new      = Signature::generate_key_pair();
		$body     = (string) wp_json_encode(
			array(
				'newPublicKey' => $new['public'],
				'newKeyId'     => $new['key_id'],
			)
		);
		$response = $this->dispatch( $this->signed_request( 'POST', '/igny8/v1/rotate-server-key', $body, $key, $site_id ) );
		$this->assertStatus( 200, $response, 'rotate-server-key' );
		$this->assertSame( $new['public'], ( new KeyStore() )->server_public_key( $new['key_id'] ) );
		$this->assertNull( ( new KeyStore() )->server_public_key( $key['key_id'] ), 'the old server key stops working' );
		$this->assertError( 401, 'igny8_signature_invalid', $this->dispatch( $this->signed_request( 'GET', '/igny8/v1/status', '', $key, $site_id ) ), 'old key' );
		$this->assertStatus( 200, $this->dispatch( $this->signed_request( 'GET', '/igny8/v1/status', '', $new, $site_id ) ), 'new key' );

		$bad = $this->dispatch( $this->signed_request( 'POST', '/igny8/v1/rotate-server-key', '{"newPublicKey":"x","newKeyId":"y"}', $new, $site_id ) );
		$this->assertError( 400, 'igny8_invalid_server_key', $bad, 'malformed new key' );

		$response = $this->dispatch( $this->signed_request( 'POST', '/igny8/v1/disconnect', '{}', $new, $site_id ) );
		$this->assertStatus( 200, $response, 'disconnect' );
		$this->assertNull( ( new KeyStore() )->connection() );
		$this->assertCount( 0, $this->server->requests, 'a server-initiated disconnect does not call the server back' );
		$this->assertError( 401, 'igny8_site_not_connected', $this->dispatch( $this->signed_request( 'GET', '/igny8/v1/status', '', $new, $site_id ) ), 'after disconnect' );
	}

	public function test_connect_verify_answers_the_pending_secret_once_within_ten_minutes(): void {
		$keys    = new KeyStore();
		$secret1 = Signature::base64url_encode( random_bytes( 32 ) );
		$keys->save_pending( $secret1, 'the-second-secret', $this->user_id( 'admin' ) );

		$this->assertError( 403, 'igny8_verify_failed', $this->call( 'POST /igny8/v1/connect/verify', array( 'secret1' => $secret1 . 'x' ) ), 'wrong secret' );
		$this->assertError( 403, 'igny8_verify_failed', $this->call( 'POST /igny8/v1/connect/verify' ), 'no secret' );
		$this->assertError( 400, 'rest_invalid_param', $this->call( 'POST /igny8/v1/connect/verify', array( 'secret1' => array( $secret1 ) ) ), 'not a string' );

		$response = $this->call( 'POST /igny8/v1/connect/verify', array( 'secret1' => $secret1 ) );
		$this->assertStatus( 200, $response, 'right secret' );
		$this->assertSame( array( 'secret2' => 'the-second-secret' ), $this->data( $response ) );
		$this->assertError( 403, 'igny8_verify_failed', $this->call( 'POST /igny8/v1/connect/verify', array( 'secret1' => $secret1 ) ), 'reused secret' );
		$this->assertNull( $keys->pending() );

		$keys->save_pending( $secret1, 'the-second-secret', $this->user_id( 'admin' ) );
		$pending               = get_option( KeyStore::PENDING_OPTION );
		$pending['expires_at'] = time() - 1;
		update_option( KeyStore::PENDING_OPTION, $pending, false );
		$this->assertError( 403, 'igny8_verify_failed', $this->call( 'POST /igny8/v1/connect/verify', array( 'secret1' => $secret1 ) ), 'expired secret' );
		$this->assertNull( $keys->pending(), 'an expired handshake is forgotten' );
	}

	/**
	 * Dispatches "METHOD route" with a JSON body, as an unsigned browser or visitor request.
	 *
	 * @param string               $case   "METHOD route".
	 * @param array<string, mixed> $params JSON body.
	 */
	private function call( string $case, array $params = array() ): WP_REST_Response {
		list( $method, $route )     = explode( ' ', $case, 2 );
		$route                     = self::PATHS[ $case ] ?? $route;
		$_SERVER['REQUEST_URI']    = '/wp-json' . $route;
		$_SERVER['REQUEST_METHOD'] = $method;
		$request                   = new WP_REST_Request( $method, $route );
		if ( array() !== $params ) {
			$request->set_header( 'Content-Type', 'application/json' );
			$request->set_body( (string) wp_json_encode( $params ) );
		}
		return $this->dispatch( $request );
	}

	/**
	 * Asserts the status.
	 *
	 * @param int              $status   Expected status.
	 * @param WP_REST_Response $response Response.
	 * @param string           $what     Case.
	 */
	private function assertStatus( int $status, WP_REST_Response $response, string $what ): void {
		$this->assertSame( $status, $response->get_status(), $what . ': ' . wp_json_encode( $this->data( $response ) ) );
	}

	/**
	 * Asserts an error status and code.
	 *
	 * @param int              $status   Expected status.
	 * @param string           $code     Expected code.
	 * @param WP_REST_Response $response Response.
	 * @param string           $what     Case.
	 */
	private function assertError( int $status, string $code, WP_REST_Response $response, string $what ): void {
		$this->assertStatus( $status, $response, $what );
		$this->assertSame( $code, $this->data( $response )['code'] ?? null, $what );
	}
}
