<?php
/**
 * Connect to IGNY8 (docs/connection-protocol.md, "Connect with one click"): POST igny8/v1/connection/authorize
 * makes the user's single-use state and answers the IGNY8 app's address; POST igny8/v1/connection/grant checks the
 * state that came back and runs the handshake with the grant. The server is the fake one at WordPress's HTTP
 * boundary, which calls connect/verify back in-process like the real one.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Tests;

use IGNY8\Connection\Connection;
use IGNY8\Connection\ConnectState;
use IGNY8\Connection\KeyStore;
use IGNY8\Connection\Publisher;
use IGNY8\Connection\Signature;
use IGNY8\Rest\ConnectionController;
use WP_REST_Request;
use WP_REST_Response;

/**
 * The plugin's two routes of the one-click connection.
 */
final class ConnectInOneClickTest extends IntegrationTestCase {

	private const SERVER_URL = 'http://127.0.0.1:9';

	/** @var mixed */
	private $saved_server_url;

	/** @var list<int> */
	private array $users = array();

	private Publisher $publisher;

	/** @var array<string, mixed> The last register payload the fake server received. */
	private array $registered = array();

	protected function setUp(): void {
		parent::setUp();
		$this->saved_server_url = get_option( Connection::SERVER_URL_OPTION, null );
		delete_option( Connection::SERVER_URL_OPTION );
		delete_user_meta( $this->user_id( 'admin' ), ConnectState::meta_key() );
		// The routes' own Connection, with a publishing user only this test uses.
		$this->publisher = $this->test_publisher();
		add_filter( 'rest_dispatch_request', array( $this, 'use_test_connection' ), 10, 2 );
	}

	protected function tearDown(): void {
		remove_filter( 'rest_dispatch_request', array( $this, 'use_test_connection' ) );
		delete_user_meta( $this->user_id( 'admin' ), ConnectState::meta_key() );
		foreach ( $this->users as $user ) {
			wp_delete_user( $user );
		}
		if ( null === $this->saved_server_url ) {
			delete_option( Connection::SERVER_URL_OPTION );
		} else {
			update_option( Connection::SERVER_URL_OPTION, $this->saved_server_url, false );
		}
		parent::tearDown();
	}

	/**
	 * Serves connection/grant (once WordPress checked its arguments and permission) with a Connection whose
	 * publishing user this test owns and deletes, so the harness site's real publisher is left alone.
	 *
	 * @param mixed           $result  Earlier result.
	 * @param WP_REST_Request $request Request.
	 * @return mixed
	 */
	public function use_test_connection( $result, WP_REST_Request $request ) {
		if ( null !== $result || '/igny8/v1/connection/grant' !== $request->get_route() ) {
			return $result;
		}
		return ( new ConnectionController( new Connection( new KeyStore(), $this->publisher ) ) )->complete( $request );
	}

	public function test_authorize_makes_a_single_use_state_and_the_app_address(): void {
		wp_set_current_user( $this->user_id( 'admin' ) );
		$before   = time();
		$response = $this->post( '/igny8/v1/connection/authorize' );
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $this->data( $response ) ) );
		$this->assertSame( 'no-store', $response->get_headers()['Cache-Control'] ?? null );
		$answer = $this->data( $response );
		$this->assertSame( array( 'url', 'serverUrl', 'expiresAt' ), array_keys( $answer ) );
		$this->assertSame( Connection::DEFAULT_SERVER_URL, $answer['serverUrl'], 'the default server when none was chosen' );

		$url = wp_parse_url( $answer['url'] );
		$this->assertSame( Connection::DEFAULT_SERVER_URL . '/app/connect', $url['scheme'] . '://' . $url['host'] . $url['path'] );
		parse_str( $url['query'], $query );
		$this->assertSame( array( 'site_url', 'state', 'return_url' ), array_keys( $query ) );
		$this->assertSame( home_url(), $query['site_url'] );
		$this->assertSame( admin_url( 'admin.php?page=igny8-connection' ), $query['return_url'] );
		$this->assertMatchesRegularExpression( '/^[A-Za-z0-9_-]{43}$/', $query['state'] );
		$this->assertStringContainsString( 'return_url=' . rawurlencode( admin_url( 'admin.php?page=igny8-connection' ) ), $answer['url'] );

		$expires = strtotime( $answer['expiresAt'] );
		$this->assertGreaterThanOrEqual( $before + ConnectState::TTL_SECONDS, $expires );
		$this->assertLessThanOrEqual( time() + ConnectState::TTL_SECONDS, $expires );

		// Stored for this user only, hashed.
		$stored = get_user_meta( $this->user_id( 'admin' ), ConnectState::meta_key(), true );
		$this->assertSame( hash( 'sha256', $query['state'] ), $stored['state_hash'] );
		$this->assertStringNotContainsString( $query['state'], (string) wp_json_encode( $stored ) );

		// Pressing again replaces the state: the first one no longer completes anything.
		parse_str( (string) wp_parse_url( $this->data( $this->post( '/igny8/v1/connection/authorize' ) )['url'], PHP_URL_QUERY ), $second );
		$this->assertNotSame( $query['state'], $second['state'] );
		$stale = $this->post( '/igny8/v1/connection/grant', $this->grant_params( $query['state'] ) );
		$this->assertSame( 'igny8_connect_state_mismatch', $this->data( $stale )['code'] );
		$this->assertCount( 0, $this->server->requests );
	}

	public function test_authorize_goes_to_the_server_chosen_and_remembers_it(): void {
		wp_set_current_user( $this->user_id( 'admin' ) );
		$answer = $this->data( $this->post( '/igny8/v1/connection/authorize', array( 'serverUrl' => self::SERVER_URL . '/' ) ) );
		$this->assertSame( self::SERVER_URL, $answer['serverUrl'] );
		$this->assertStringStartsWith( self::SERVER_URL . '/app/connect?site_url=', $answer['url'] );
		$this->assertSame( self::SERVER_URL, get_option( Connection::SERVER_URL_OPTION ) );
		$status = $this->data( rest_do_request( new WP_REST_Request( 'GET', '/igny8/v1/connection' ) ) );
		$this->assertFalse( $status['connected'] );
		$this->assertSame( self::SERVER_URL, $status['serverUrl'], 'the screen offers the server used last' );

		$bad = $this->post( '/igny8/v1/connection/authorize', array( 'serverUrl' => 'ftp://igny8.example' ) );
		$this->assertSame( 400, $bad->get_status() );
		$this->assertSame( 'igny8_invalid_server_url', $this->data( $bad )['data']['details']['serverUrl']['code'] ?? null );
	}

	public function test_authorize_checks_the_nonce_and_refuses_a_connected_site(): void {
		$this->server->uninstall(); // Real HTTP to the harness site.
		$admin = $this->user_id( 'admin' );
		list( $status, $data ) = $this->call_with_and_without_rest_nonce(
			$admin,
			'POST',
			'/igny8/v1/connection/authorize',
			'{}',
			function () use ( $admin ): void {
				$this->assertSame( '', get_user_meta( $admin, ConnectState::meta_key(), true ), 'no state without the nonce' );
			}
		);
		$this->assertSame( 200, $status, (string) wp_json_encode( $data ) );
		$this->assertStringContainsString( '/app/connect?site_url=', $data['url'] );

		$this->connect_test_site();
		wp_set_current_user( $admin );
		$connected = $this->post( '/igny8/v1/connection/authorize' );
		$this->assertSame( 409, $connected->get_status() );
		$this->assertSame( 'igny8_already_connected', $this->data( $connected )['code'] );
	}

	public function test_the_grant_completes_the_handshake_once(): void {
		wp_set_current_user( $this->user_id( 'admin' ) );
		$state   = $this->authorize();
		$site_id = $this->server_accepts_registration();

		$response = $this->post( '/igny8/v1/connection/grant', $this->grant_params( $state ) );
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $this->data( $response ) ) );
		$status = $this->data( $response );
		$this->assertTrue( $status['connected'] );
		$this->assertSame( $site_id, $status['siteId'] );
		$this->assertSame( self::SERVER_URL, $status['serverUrl'], 'the server the state was made for' );

		// The server got the grant and the state in place of a connection key.
		$this->assertSame( 'igny8cg_' . str_repeat( 'g', 43 ), $this->registered['grant'] );
		$this->assertSame( $state, $this->registered['state'] );
		$this->assertArrayNotHasKey( 'connectionKey', $this->registered );
		$this->assertSame( home_url(), $this->registered['siteUrl'] );
		$this->assertSame( '', get_user_meta( $this->user_id( 'admin' ), ConnectState::meta_key(), true ), 'the state is used up' );

		// Reused: refused by the plugin before the network.
		$again = $this->post( '/igny8/v1/connection/grant', $this->grant_params( $state ) );
		$this->assertSame( 400, $again->get_status() );
		$this->assertSame( 'igny8_connect_state_invalid', $this->data( $again )['code'] );
		$registers = array_filter(
			$this->server->requests,
			static function ( array $request ): bool {
				return str_ends_with( $request['url'], '/api/v1/connect/register' );
			}
		);
		$this->assertCount( 1, $registers );
	}

	public function test_a_state_that_does_not_match_connects_nothing(): void {
		wp_set_current_user( $this->user_id( 'admin' ) );
		$state    = $this->authorize();
		$response = $this->post( '/igny8/v1/connection/grant', $this->grant_params( Signature::base64url_encode( random_bytes( 32 ) ) ) );
		$this->assertSame( 403, $response->get_status() );
		$data = $this->data( $response );
		$this->assertSame( 'igny8_connect_state_mismatch', $data['code'] );
		$this->assertStringContainsString( 'Connect to IGNY8', $data['message'] );
		$this->assertCount( 0, $this->server->requests );
		$this->assertNull( ( new KeyStore() )->connection() );

		// A forged link does not cancel the connection the user started.
		$this->server_accepts_registration();
		$this->assertSame( 200, $this->post( '/igny8/v1/connection/grant', $this->grant_params( $state ) )->get_status() );
	}

	public function test_an_expired_state_is_refused_and_forgotten(): void {
		wp_set_current_user( $this->user_id( 'admin' ) );
		$state                = $this->authorize();
		$stored               = get_user_meta( $this->user_id( 'admin' ), ConnectState::meta_key(), true );
		$stored['expires_at'] = time() - 1;
		update_user_meta( $this->user_id( 'admin' ), ConnectState::meta_key(), $stored );

		$response = $this->post( '/igny8/v1/connection/grant', $this->grant_params( $state ) );
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'igny8_connect_state_expired', $this->data( $response )['code'] );
		$this->assertStringContainsString( '10 minutes', $this->data( $response )['message'] );
		$this->assertSame( '', get_user_meta( $this->user_id( 'admin' ), ConnectState::meta_key(), true ) );
		$this->assertCount( 0, $this->server->requests );
	}

	public function test_only_the_user_who_started_can_complete(): void {
		wp_set_current_user( $this->user_id( 'admin' ) );
		$state = $this->authorize();

		$other = wp_insert_user(
			array(
				'user_login' => 'igny8-other-admin-' . bin2hex( random_bytes( 4 ) ),
				'user_pass'  => wp_generate_password(),
				'role'       => 'administrator',
			)
		);
		$this->assertIsInt( $other );
		$this->users[] = $other;
		wp_set_current_user( $other );
		$response = $this->post( '/igny8/v1/connection/grant', $this->grant_params( $state ) );
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'igny8_connect_state_invalid', $this->data( $response )['code'] );
		$this->assertCount( 0, $this->server->requests );
		$this->assertNotSame( '', get_user_meta( $this->user_id( 'admin' ), ConnectState::meta_key(), true ), "the starter's state is kept" );
	}

	public function test_a_malformed_grant_keeps_the_state(): void {
		wp_set_current_user( $this->user_id( 'admin' ) );
		$state    = $this->authorize();
		$response = $this->post(
			'/igny8/v1/connection/grant',
			array(
				'grant' => 'igny8cg_cut',
				'state' => $state,
			)
		);
		$this->assertSame( 'igny8_invalid_grant', $this->data( $response )['code'] );
		$this->assertNotSame( '', get_user_meta( $this->user_id( 'admin' ), ConnectState::meta_key(), true ) );
	}

	public function test_a_refused_grant_names_the_server_reason_and_keeps_nothing(): void {
		wp_set_current_user( $this->user_id( 'admin' ) );
		$state = $this->authorize();
		$this->server->on(
			'/api/v1/connect/register',
			static function (): array {
				return FakeServer::error( 401, 'CONNECTION_GRANT_INVALID', 'This connection approval has expired (after 10 minutes) or was already used. Press "Connect to IGNY8" in IGNY8 > Connection in wp-admin again.' );
			}
		);
		$response = $this->post( '/igny8/v1/connection/grant', $this->grant_params( $state ) );
		$this->assertSame( 400, $response->get_status() );
		$data = $this->data( $response );
		$this->assertSame( 'igny8_server_connection_grant_invalid', $data['code'] );
		$this->assertStringContainsString( 'Press "Connect to IGNY8"', $data['message'] );

		$keys = new KeyStore();
		$this->assertNull( $keys->connection() );
		$this->assertNull( $keys->pending() );
		$this->assertNull( $keys->site_private_key() );
		$this->assertNull( $this->publisher->user(), 'the publishing user made for the attempt is deleted' );
		$this->assertSame( '', get_user_meta( $this->user_id( 'admin' ), ConnectState::meta_key(), true ), 'a state is used once, whatever the server says' );
	}

	/** Presses Connect to IGNY8 against the fake server; answers the state. */
	private function authorize(): string {
		$response = $this->post( '/igny8/v1/connection/authorize', array( 'serverUrl' => self::SERVER_URL ) );
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $this->data( $response ) ) );
		parse_str( (string) wp_parse_url( $this->data( $response )['url'], PHP_URL_QUERY ), $query );
		return (string) $query['state'];
	}

	/**
	 * The body of connection/grant.
	 *
	 * @param string $state State.
	 * @return array<string, string>
	 */
	private function grant_params( string $state ): array {
		return array(
			'grant' => 'igny8cg_' . str_repeat( 'g', 43 ),
			'state' => $state,
		);
	}

	/** Makes the fake server accept register like the real one: verify the site through connect/verify. */
	private function server_accepts_registration(): string {
		$site_id = wp_generate_uuid4();
		$this->forget_nonces_of( $site_id );
		$server_key = Signature::generate_key_pair();
		$this->server->on(
			'/api/v1/connect/register',
			function ( array $request ) use ( $site_id, $server_key ): array {
				$payload          = json_decode( $request['body'], true );
				$this->registered = $payload;
				$verify           = new WP_REST_Request( 'POST', '/igny8/v1/connect/verify' );
				$verify->set_header( 'Content-Type', 'application/json' );
				$verify->set_body( (string) wp_json_encode( array( 'secret1' => $payload['secret1'] ) ) );
				$answer = rest_do_request( $verify );
				$this->assertSame( 200, $answer->get_status() );
				return FakeServer::ok(
					array(
						'siteId'          => $site_id,
						'accountId'       => wp_generate_uuid4(),
						'accountName'     => 'One Click Agency',
						'serverPublicKey' => $server_key['public'],
						'serverKeyId'     => $server_key['key_id'],
						'serverUrl'       => self::SERVER_URL,
					),
					201
				);
			}
		);
		return $site_id;
	}

	/**
	 * Dispatches a POST with a JSON body, as the screen's api-fetch would.
	 *
	 * @param string               $route  Route.
	 * @param array<string, mixed> $params JSON body.
	 */
	private function post( string $route, array $params = array() ): WP_REST_Response {
		$request = new WP_REST_Request( 'POST', $route );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( (string) wp_json_encode( (object) $params ) );
		return $this->dispatch( $request );
	}
}
