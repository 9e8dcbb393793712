<?php
/**
 * The connection service against a fake IGNY8 server at WordPress's HTTP boundary: the handshake (with the
 * server's call back to connect/verify dispatched in-process), heartbeat, key rotation, disconnection, and
 * what is left behind when the server refuses or cannot be reached.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Tests;

use IGNY8\Connection\Connection;
use IGNY8\Connection\KeyStore;
use IGNY8\Connection\Publisher;
use IGNY8\Connection\Signature;
use WP_Application_Passwords;
use WP_Error;
use WP_REST_Request;

/**
 * IGNY8\Connection\Connection.
 */
final class ConnectionFlowTest extends IntegrationTestCase {

	private const SERVER_URL = 'http://127.0.0.1:9';
	private const KEY        = 'ck_0123456789abcdefghijklmnop';

	private Publisher $publisher;
	private Connection $connection;

	/** @var array<string, string> */
	private array $server_key;

	/** @var array<string, mixed> The last register payload the fake server received. */
	private array $registered = array();

	protected function setUp(): void {
		parent::setUp();
		$this->publisher  = $this->test_publisher();
		$this->connection = new Connection( new KeyStore(), $this->publisher );
		$this->server_key = Signature::generate_key_pair();
	}

	/** Makes the fake server accept register like the real one: verify the site through connect/verify. */
	private function server_accepts_registration(): string {
		$site_id = wp_generate_uuid4();
		$this->forget_nonces_of( $site_id );
		$this->server->on(
			'/api/v1/connect/register',
			function ( array $request ) use ( $site_id ): array {
				$this->assertArrayNotHasKey( 'X-IGNY8-Signature', $request['headers'], 'first contact is not signed' );
				$payload          = json_decode( $request['body'], true );
				$this->registered = $payload;

				// The server calls the site back.
				$verify = new WP_REST_Request( 'POST', '/igny8/v1/connect/verify' );
				$verify->set_header( 'Content-Type', 'application/json' );
				$verify->set_body( (string) wp_json_encode( array( 'secret1' => $payload['secret1'] ) ) );
				$answer = rest_do_request( $verify );
				$this->assertSame( 200, $answer->get_status() );
				$this->assertSame( $payload['secret2Hash'], hash( 'sha256', $answer->get_data()['secret2'] ) );
				$this->assertSame( 403, rest_do_request( $verify )->get_status(), 'secret1 works once' );

				return FakeServer::ok(
					array(
						'siteId'          => $site_id,
						'accountId'       => wp_generate_uuid4(),
						'accountName'     => 'Acme Agency',
						'serverPublicKey' => $this->server_key['public'],
						'serverKeyId'     => $this->server_key['key_id'],
						'serverUrl'       => 'https://elsewhere.example',
					),
					201
				);
			}
		);
		return $site_id;
	}

	public function test_the_handshake_connects_the_site(): void {
		$site_id = $this->server_accepts_registration();
		$status  = $this->connection->start( self::SERVER_URL . '/', '  ' . self::KEY . ' ', $this->user_id( 'admin' ) );

		$this->assertIsArray( $status, $status instanceof WP_Error ? $status->get_error_message() : '' );
		$this->assertTrue( $status['connected'] );
		$this->assertSame( self::SERVER_URL, $status['serverUrl'], 'the URL the admin entered, normalized; not one the answer names' );
		$this->assertSame( $site_id, $status['siteId'] );
		$this->assertSame( 'Acme Agency', $status['accountName'] );
		$this->assertSame( $this->registered['siteKeyId'], $status['keyId'] );
		$this->assertSame( $this->publisher->username(), $status['publisherUser'] );
		$this->assertSame( home_url(), $status['siteUrl'] );
		$this->assertMatchesRegularExpression( '/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/', (string) $status['lastContactAt'] );

		// What the server was sent.
		$payload = $this->registered;
		$this->assertSame( self::KEY, $payload['connectionKey'] );
		$this->assertSame( home_url(), $payload['siteUrl'] );
		$this->assertSame( get_rest_url(), $payload['restUrl'] );
		$this->assertMatchesRegularExpression( '/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/', $payload['language'] );
		$this->assertContains( $payload['timezone'], array_merge( timezone_identifiers_list(), array( 'UTC' ) ) );
		$this->assertSame( IGNY8_VERSION, $payload['pluginVersion'] );
		$this->assertMatchesRegularExpression( '/^[A-Za-z0-9_-]{43}$/', $payload['secret1'] );
		$this->assertMatchesRegularExpression( '/^[0-9a-f]{64}$/', $payload['secret2Hash'] );
		$this->assertSame( $this->publisher->username(), $payload['publisher']['username'] );
		$this->assertSame(
			array( 'connectionKey', 'siteUrl', 'restUrl', 'name', 'language', 'timezone', 'wpVersion', 'pluginVersion', 'sitePublicKey', 'siteKeyId', 'secret1', 'secret2Hash', 'publisher' ),
			array_keys( $payload )
		);

		// What is stored: the server key, our private key (matching what we registered), no pending secrets.
		$keys = new KeyStore();
		$this->assertNull( $keys->pending() );
		$this->assertSame( $this->server_key['public'], $keys->server_public_key( $this->server_key['key_id'] ) );
		$private = $keys->site_private_key();
		$this->assertNotNull( $private );
		$this->assertSame( $payload['sitePublicKey'], Signature::public_key_from_private( $private[1] ) );

		// The browser's answer carries no secret.
		$json = (string) wp_json_encode( $status );
		foreach ( array( $private[1], $payload['publisher']['applicationPassword'], $payload['secret1'], self::KEY ) as $secret ) {
			$this->assertStringNotContainsString( $secret, $json );
		}

		// The server can publish with what it was given, and the site accepts its signed requests.
		add_filter( 'application_password_is_api_request', '__return_true' );
		$user = wp_authenticate_application_password( null, $payload['publisher']['username'], $payload['publisher']['applicationPassword'] );
		remove_filter( 'application_password_is_api_request', '__return_true' );
		$this->assertInstanceOf( \WP_User::class, $user );
		$this->assertSame( 200, $this->dispatch( $this->signed_request( 'GET', '/igny8/v1/status', '', $this->server_key, $site_id ) )->get_status() );

		// A second start while connected is refused.
		$again = $this->connection->start( self::SERVER_URL, self::KEY, $this->user_id( 'admin' ) );
		$this->assertInstanceOf( WP_Error::class, $again );
		$this->assertSame( 'igny8_already_connected', $again->get_error_code() );
	}

	public function test_a_refused_registration_leaves_nothing_behind(): void {
		$this->server->on(
			'/api/v1/connect/register',
			static function (): array {
				return FakeServer::error( 401, 'CONNECTION_KEY_INVALID', 'This connection key is invalid, expired or already used: create a new one in IGNY8.' );
			}
		);
		$result = $this->connection->start( self::SERVER_URL, self::KEY, $this->user_id( 'admin' ) );

		$this->assertInstanceOf( WP_Error::class, $result );
		$this->assertSame( 'This connection key is invalid, expired or already used: create a new one in IGNY8.', $result->get_error_message() );
		$this->assertSame( 'igny8_server_connection_key_invalid', $result->get_error_code() );
		$this->assertSame( 400, $result->get_error_data()['status'] );
		$this->assertSame( 'req-test-1', $result->get_error_data()['requestId'] );
		$this->assertNothingKeptAfterFailure();
	}

	public function test_an_unreachable_server_is_named_in_the_error(): void {
		$this->server->on(
			'/api/v1/connect/register',
			static function (): WP_Error {
				return new WP_Error( 'http_request_failed', 'cURL error 7: Failed to connect to 127.0.0.1 port 9: Connection refused' );
			}
		);
		$result = $this->connection->start( self::SERVER_URL, self::KEY, $this->user_id( 'admin' ) );

		$this->assertInstanceOf( WP_Error::class, $result );
		$this->assertSame( 'Could not reach the IGNY8 server at 127.0.0.1:9: cURL error 7: Failed to connect to 127.0.0.1 port 9: Connection refused', $result->get_error_message() );
		$this->assertSame( 502, $result->get_error_data()['status'] );
		$this->assertNothingKeptAfterFailure();
	}

	public function test_a_non_api_answer_never_leaks_its_body(): void {
		$this->server->on(
			'/api/v1/connect/register',
			static function (): array {
				return array( 502, '<html><body>Bad gateway: upstream secret-internal-host:3000</body></html>' );
			}
		);
		$result = $this->connection->start( self::SERVER_URL, self::KEY, $this->user_id( 'admin' ) );

		$this->assertInstanceOf( WP_Error::class, $result );
		$this->assertSame( 'igny8_server_unexpected_answer', $result->get_error_code() );
		$this->assertStringNotContainsString( 'secret-internal-host', (string) wp_json_encode( array( $result->get_error_message(), $result->get_error_data() ) ) );
		$this->assertNothingKeptAfterFailure();
	}

	public function test_a_redirecting_server_names_the_address_to_enter(): void {
		$this->server->on(
			'/api/v1/connect/register',
			static function (): array {
				return array( 301, '', array( 'location' => 'https://app.igny8.example/api/v1/connect/register' ) );
			}
		);
		$result = $this->connection->start( self::SERVER_URL, self::KEY, $this->user_id( 'admin' ) );
		$this->assertInstanceOf( WP_Error::class, $result );
		$this->assertSame( 'igny8_server_redirect', $result->get_error_code() );
		$this->assertStringContainsString( 'redirects to https://app.igny8.example', $result->get_error_message() );
		$this->assertCount( 1, $this->server->requests, 'the redirect is not followed (it would carry the secrets elsewhere)' );
		$this->assertNothingKeptAfterFailure();
	}

	public function test_an_answer_without_the_server_key_leaves_nothing_behind(): void {
		$this->server->on(
			'/api/v1/connect/register',
			static function (): array {
				return FakeServer::ok( array( 'siteId' => wp_generate_uuid4() ) );
			}
		);
		$result = $this->connection->start( self::SERVER_URL, self::KEY, $this->user_id( 'admin' ) );
		$this->assertInstanceOf( WP_Error::class, $result );
		$this->assertNothingKeptAfterFailure();
	}

	public function test_invalid_input_is_refused_before_any_network_call(): void {
		foreach ( array( 'ftp://igny8.example', 'igny8.example', 'https://user:pw@igny8.example', 'https://igny8.example/?x=1', 'https://bad host.example', '' ) as $url ) {
			$result = $this->connection->start( $url, self::KEY, $this->user_id( 'admin' ) );
			$this->assertInstanceOf( WP_Error::class, $result, $url );
			$this->assertSame( 'igny8_invalid_server_url', $result->get_error_code(), $url );
		}
		$short = $this->connection->start( self::SERVER_URL, 'too-short', $this->user_id( 'admin' ) );
		$this->assertSame( 'igny8_invalid_connection_key', $short instanceof WP_Error ? $short->get_error_code() : null );
		$this->assertCount( 0, $this->server->requests );
		$this->assertNull( $this->publisher->user(), 'no publishing user is created for invalid input' );
	}

	public function test_server_url_rules(): void {
		$this->assertSame( 'https://app.igny8.example/api', Connection::validate_server_url( ' HTTPS://App.IGNY8.example/api/ ' ) );
		$this->assertSame( 'http://localhost:3000', Connection::validate_server_url( 'http://localhost:3000' ) );
		$this->assertSame( 'http://[::1]:3000', Connection::validate_server_url( 'http://[::1]:3000/' ) );

		$this->assertSame( 'http://igny8.lan', Connection::validate_server_url( 'http://igny8.lan', 'local' ), 'plain http on a local site' );
		$this->assertSame( 'http://igny8.lan', Connection::validate_server_url( 'http://igny8.lan', 'development' ) );
		$refused = Connection::validate_server_url( 'http://igny8.example', 'production' );
		$this->assertInstanceOf( WP_Error::class, $refused, 'https required in production' );
		$this->assertSame( 400, $refused->get_error_data()['status'] );
		$this->assertSame( 'https://igny8.example', Connection::validate_server_url( 'https://igny8.example', 'production' ) );
		$this->assertSame( 'http://localhost:3000', Connection::validate_server_url( 'http://localhost:3000', 'production' ), 'a server on this machine' );
		$this->assertSame( 'http://127.0.0.1:8080', Connection::validate_server_url( 'http://127.0.0.1:8080', 'staging' ) );
	}

	public function test_heartbeat_refreshes_account_name_and_credits_and_is_signed(): void {
		$site_id = $this->server_accepts_registration();
		$this->server->on(
			'/api/v1/connect/heartbeat',
			function ( array $request ) use ( $site_id ): array {
				$this->assertTrue( FakeServer::is_signed_by( $request, $this->registered['sitePublicKey'] ), 'heartbeat signed by the site key' );
				$this->assertSame( $site_id, $request['headers']['X-IGNY8-Site'] );
				$this->assertSame( $this->registered['siteKeyId'], $request['headers']['X-IGNY8-Key-Id'] );
				$body = json_decode( $request['body'], true );
				$this->assertSame( home_url(), $body['siteUrl'] );
				$this->assertSame( IGNY8_VERSION, $body['pluginVersion'] );
				$this->assertSame( $GLOBALS['wp_version'], $body['wpVersion'] );
				return FakeServer::ok(
					array(
						'siteId'      => $site_id,
						'accountName' => 'Acme Agency (renamed)',
						'credits'     => array( 'balance' => 1234 ),
					)
				);
			}
		);

		// Connecting ends with a heartbeat, so the screen shows the credits at once.
		$status = $this->connection->start( self::SERVER_URL, self::KEY, $this->user_id( 'admin' ) );
		$this->assertSame( 'Acme Agency (renamed)', $status['accountName'] );
		$this->assertSame( array( 'balance' => 1234 ), $status['credits'] );
		$this->assertSame( array( '/api/v1/connect/register', '/api/v1/connect/heartbeat' ), array_column( $this->server->requests, 'path' ) );

		$this->connection->status();
		$this->assertCount( 2, $this->server->requests, 'no heartbeat within a minute of the last one' );
		$this->age_connection( 120 );
		$this->connection->status();
		$this->assertCount( 3, $this->server->requests, 'a heartbeat once the last one is older than a minute' );

		// A failing server: the last known values stay, and it is not asked again for a minute.
		$this->server->on(
			'/api/v1/connect/heartbeat',
			static function (): WP_Error {
				return new WP_Error( 'http_request_failed', 'timed out' );
			}
		);
		$this->age_connection( 120 );
		$this->assertSame( 'Acme Agency (renamed)', $this->connection->status()['accountName'] );
		$this->assertSame( array( 'balance' => 1234 ), $this->connection->status()['credits'] );
		$this->assertCount( 4, $this->server->requests, 'one failed heartbeat, not one per status call' );
	}

	public function test_rotate_key_registers_the_new_key_signed_with_the_old_one(): void {
		$this->server_accepts_registration();
		$this->connection->start( self::SERVER_URL, self::KEY, $this->user_id( 'admin' ) );
		$old_public = $this->registered['sitePublicKey'];
		$old_kid    = $this->registered['siteKeyId'];
		$new        = array();
		$this->server->on(
			'/api/v1/connect/rotate-key',
			function ( array $request ) use ( $old_public, $old_kid, &$new ): array {
				$this->assertTrue( FakeServer::is_signed_by( $request, $old_public ), 'signed with the current key' );
				$this->assertSame( $old_kid, $request['headers']['X-IGNY8-Key-Id'] );
				$new = json_decode( $request['body'], true );
				return FakeServer::ok( array( 'keyId' => $new['newKeyId'] ) );
			}
		);
		$status = $this->connection->rotate_key();
		$this->assertIsArray( $status );
		$this->assertSame( $new['newKeyId'], $status['keyId'] );
		$stored = ( new KeyStore() )->site_private_key();
		$this->assertSame( $new['newPublicKey'], Signature::public_key_from_private( (string) $stored[1] ) );
		$this->assertSame( array( $new['newKeyId'] ), array_keys( get_option( KeyStore::PRIVATE_KEY_OPTION ) ), 'the old private key is gone' );

		// The server refuses: the current key stays, the new one is dropped.
		$this->server->on(
			'/api/v1/connect/rotate-key',
			static function (): array {
				return FakeServer::error( 401, 'SIGNATURE_INVALID', 'The request signature is invalid.' );
			}
		);
		$failed = $this->connection->rotate_key();
		$this->assertInstanceOf( WP_Error::class, $failed );
		$this->assertSame( 'The request signature is invalid.', $failed->get_error_message() );
		$this->assertSame( $new['newKeyId'], $this->connection->status( false )['keyId'] );
		$this->assertSame( array( $new['newKeyId'] ), array_keys( get_option( KeyStore::PRIVATE_KEY_OPTION ) ) );
	}

	public function test_disconnect_tells_the_server_and_forgets_everything_whatever_it_answers(): void {
		$site_id = $this->server_accepts_registration();
		$this->connection->start( self::SERVER_URL, self::KEY, $this->user_id( 'admin' ) );
		$site_public = $this->registered['sitePublicKey'];
		$told        = false;
		$this->server->on(
			'/api/v1/connect/disconnect',
			function ( array $request ) use ( $site_public, &$told ): array {
				$this->assertTrue( FakeServer::is_signed_by( $request, $site_public ) );
				$told = true;
				return FakeServer::error( 500, 'INTERNAL', 'Something went wrong on our side.' );
			}
		);
		$user_id = (int) $this->publisher->user()->ID;
		$status  = $this->connection->disconnect();

		$this->assertTrue( $told );
		$this->assertFalse( $status['connected'] );
		$this->assertNothingKept();
		$this->assertSame( 401, $this->dispatch( $this->signed_request( 'GET', '/igny8/v1/status', '', $this->server_key, $site_id ) )->get_status() );
		$this->assertSame( array(), WP_Application_Passwords::get_user_application_passwords( $user_id ) );
	}

	public function test_language_and_time_zone_conversion(): void {
		$this->assertSame( 'en-US', Connection::language_tag( 'en-US' ) );
		$this->assertSame( 'de-DE', Connection::language_tag( 'de-DE-formal' ) );
		$this->assertSame( 'pt-PT', Connection::language_tag( 'pt_PT_ao90' ) );
		$this->assertSame( 'sr-Latn-RS', Connection::language_tag( 'sr_latn_RS' ) );
		$this->assertSame( 'fr', Connection::language_tag( 'fr' ) );
		$this->assertSame( 'en', Connection::language_tag( '' ) );

		$this->assertSame( 'Europe/Berlin', Connection::timezone_name( 'Europe/Berlin' ) );
		$this->assertSame( 'UTC', Connection::timezone_name( 'UTC' ) );
		$this->assertSame( 'UTC', Connection::timezone_name( '+00:00' ) );
		$this->assertSame( 'Etc/GMT-2', Connection::timezone_name( '+02:00' ) );
		$this->assertSame( 'Etc/GMT+5', Connection::timezone_name( '-05:00' ) );
		$this->assertSame( 'Asia/Kolkata', Connection::timezone_name( '+05:30' ) );
		$this->assertSame( 'UTC', Connection::timezone_name( 'Not/AZone' ) );
	}

	/** Nothing of a failed handshake is kept: no user either, since it was created for the attempt. */
	private function assertNothingKeptAfterFailure(): void {
		$this->assertNothingKept();
		$this->assertNull( $this->publisher->user(), 'the publishing user created for the failed attempt is deleted' );
	}

	/** Nothing of a failed or ended connection is kept: options, pending secrets, application passwords. */
	private function assertNothingKept(): void {
		$keys = new KeyStore();
		$this->assertNull( $keys->connection() );
		$this->assertNull( $keys->pending() );
		$this->assertNull( $keys->site_private_key() );
		$this->assertEmpty( get_option( KeyStore::PRIVATE_KEY_OPTION, array() ) );
		$user = $this->publisher->user();
		if ( null !== $user ) {
			$this->assertSame( array(), WP_Application_Passwords::get_user_application_passwords( (int) $user->ID ), 'application passwords revoked' );
		}
	}

	/**
	 * Moves the connection's last heartbeat and attempt $seconds into the past.
	 *
	 * @param int $seconds Seconds.
	 */
	private function age_connection( int $seconds ): void {
		$keys = new KeyStore();
		$keys->update_connection(
			array(
				'credits_checked_at'     => time() - $seconds,
				'heartbeat_attempted_at' => time() - $seconds,
			)
		);
	}
}
