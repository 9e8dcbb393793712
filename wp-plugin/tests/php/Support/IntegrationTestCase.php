<?php
/**
 * Base class of the plugin's integration tests against the harness's real WordPress. Each test starts with
 * no current user, no IGNY8 connection and a fake server that refuses everything; whatever a test changes
 * (connection options, users it created, nonces, $_SERVER, the real publisher's application passwords) is
 * put back in tearDown, so the harness site used by e2e tests is left as it was.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Tests;

use IGNY8\Connection\KeyStore;
use IGNY8\Connection\NonceStore;
use IGNY8\Connection\Publisher;
use IGNY8\Connection\Signature;
use PHPUnit\Framework\TestCase;
use WP_Application_Passwords;
use WP_REST_Request;
use WP_REST_Response;
use WP_Session_Tokens;

/**
 * Shared set-up and helpers.
 */
abstract class IntegrationTestCase extends TestCase {

	private const OPTIONS = array( KeyStore::CONNECTION_OPTION, KeyStore::PRIVATE_KEY_OPTION, KeyStore::PENDING_OPTION );

	protected FakeServer $server;

	/** @var array<string, mixed> */
	private array $saved_options = array();

	/** @var array<string, mixed> */
	private array $saved_server = array();

	/** @var mixed */
	private $saved_publisher_passwords = null;

	/** @var list<string> Logins of users the test's publishers may create. */
	private array $created_logins = array();

	/** @var list<string> */
	private array $peers = array();

	protected function setUp(): void {
		parent::setUp();
		foreach ( self::OPTIONS as $option ) {
			$this->saved_options[ $option ] = get_option( $option, null );
			delete_option( $option );
		}
		$publisher = ( new Publisher() )->user();
		if ( null !== $publisher ) {
			$this->saved_publisher_passwords = get_user_meta( $publisher->ID, WP_Application_Passwords::USERMETA_KEY_APPLICATION_PASSWORDS, true );
		}
		foreach ( array( 'HTTP_HOST', 'REQUEST_URI', 'HTTPS', 'REQUEST_METHOD' ) as $key ) {
			$this->saved_server[ $key ] = $_SERVER[ $key ] ?? null;
		}
		unset( $_SERVER['HTTPS'] );
		wp_set_current_user( 0 );
		$this->server = new FakeServer();
		$this->server->install();
	}

	protected function tearDown(): void {
		global $wpdb;
		$this->server->uninstall();
		wp_set_current_user( 0 );
		foreach ( $this->saved_options as $option => $value ) {
			if ( null === $value ) {
				delete_option( $option );
			} else {
				update_option( $option, $value, false );
			}
		}
		$publisher = ( new Publisher() )->user();
		if ( null !== $publisher && null !== $this->saved_publisher_passwords ) {
			update_user_meta( $publisher->ID, WP_Application_Passwords::USERMETA_KEY_APPLICATION_PASSWORDS, $this->saved_publisher_passwords );
		}
		$admin = $this->user_id( 'admin' );
		foreach ( $this->created_logins as $login ) {
			$user = get_user_by( 'login', $login );
			if ( $user ) {
				wp_delete_user( (int) $user->ID, $admin );
			}
		}
		foreach ( $this->peers as $peer ) {
			$wpdb->delete( NonceStore::table(), array( 'peer' => $peer ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
		}
		foreach ( $this->saved_server as $key => $value ) {
			if ( null === $value ) {
				unset( $_SERVER[ $key ] );
			} else {
				$_SERVER[ $key ] = $value;
			}
		}
		parent::tearDown();
	}

	/**
	 * Id of a harness user (admin, editor, author).
	 *
	 * @param string $role Key in wp-harness.json "users".
	 */
	protected function user_id( string $role ): int {
		$login = IGNY8_TEST_HARNESS['users'][ $role ]['username'] ?? $role;
		$user  = get_user_by( 'login', $login );
		$this->assertNotFalse( $user, "harness user {$login} exists" );
		return (int) $user->ID;
	}

	/** A Publisher whose user only this test uses (deleted in tearDown). */
	protected function test_publisher(): Publisher {
		$publisher              = new Publisher( 'igny8-publisher-test-' . bin2hex( random_bytes( 4 ) ) );
		$this->created_logins[] = $publisher->username();
		return $publisher;
	}

	/**
	 * Stores a connection as if the handshake had run, with fresh server and site key pairs.
	 *
	 * @param array<string, mixed> $overrides Connection fields to replace.
	 * @return array{site_id: string, server: array{key_id: string, private: string, public: string}, site: array{key_id: string, private: string, public: string}}
	 */
	protected function connect_test_site( array $overrides = array() ): array {
		$server  = Signature::generate_key_pair();
		$site    = Signature::generate_key_pair();
		$site_id = wp_generate_uuid4();
		$keys    = new KeyStore();
		$keys->save_connection(
			array_merge(
				array(
					'server_url'             => 'http://127.0.0.1:9',
					'site_id'                => $site_id,
					'account_id'             => wp_generate_uuid4(),
					'account_name'           => 'Test Agency',
					'connected_at'           => time(),
					'last_contact_at'        => time(),
					'server_public_keys'     => array( $server['key_id'] => $server['public'] ),
					'site_key_id'            => $site['key_id'],
					'publisher_user_id'      => 0,
					'credits_balance'        => 500,
					'credits_checked_at'     => time(), // No heartbeat while the test runs.
					'heartbeat_attempted_at' => null,
				),
				$overrides
			)
		);
		$keys->add_site_private_key( $site['key_id'], $site['private'] );
		$this->peers[] = $site_id;
		return array(
			'site_id' => $site_id,
			'server'  => $server,
			'site'    => $site,
		);
	}

	/**
	 * Remembers a nonce peer to clean up.
	 *
	 * @param string $peer Peer (site id).
	 */
	protected function forget_nonces_of( string $peer ): void {
		$this->peers[] = $peer;
	}

	/**
	 * A request signed as the server would sign it, with $_SERVER set as PHP would see it arrive.
	 *
	 * @param string               $method  HTTP method.
	 * @param string               $route   REST route such as /igny8/v1/status.
	 * @param string               $body    Body bytes.
	 * @param array<string, mixed> $key     Signing key (key_id, private).
	 * @param string               $site_id Site id to name.
	 * @param array<string, mixed> $options form ('pretty' for /wp-json/..., 'plain' for /?rest_route=...),
	 *                                      timestamp, nonce, query (extra raw query), sign_url (URL to sign
	 *                                      instead of the one requested), headers (extra headers).
	 */
	protected function signed_request( string $method, string $route, string $body, array $key, string $site_id, array $options = array() ): WP_REST_Request {
		$home  = wp_parse_url( home_url() );
		$host  = $home['host'] . ( isset( $home['port'] ) ? ':' . $home['port'] : '' );
		$extra = (string) ( $options['query'] ?? '' );
		$uri   = 'plain' === ( $options['form'] ?? 'pretty' )
			? '/?rest_route=' . $route . ( '' !== $extra ? '&' . $extra : '' )
			: '/wp-json' . $route . ( '' !== $extra ? '?' . $extra : '' );
		$url   = 'http://' . $host . $uri;

		$_SERVER['HTTP_HOST']      = wp_slash( $host );
		$_SERVER['REQUEST_URI']    = wp_slash( $uri );
		$_SERVER['REQUEST_METHOD'] = $method;

		$headers = Signature::sign_request(
			$method,
			(string) ( $options['sign_url'] ?? $url ),
			$body,
			$site_id,
			home_url(),
			(string) $key['key_id'],
			(string) $key['private'],
			$options['timestamp'] ?? null,
			$options['nonce'] ?? null
		);
		$request = new WP_REST_Request( $method, $route );
		foreach ( array_merge( $headers, $options['headers'] ?? array() ) as $name => $value ) {
			$request->set_header( $name, $value );
		}
		if ( '' !== $body ) {
			$request->set_header( 'Content-Type', 'application/json' );
			$request->set_body( $body );
		}
		if ( '' !== $extra ) {
			parse_str( $extra, $query );
			$request->set_query_params( $query );
		}
		return $request;
	}

	/**
	 * Dispatches in-process, as WordPress would for an HTTP request.
	 *
	 * @param WP_REST_Request $request Request.
	 */
	protected function dispatch( WP_REST_Request $request ): WP_REST_Response {
		return rest_do_request( $request );
	}

	/**
	 * The response's data as the client would decode it.
	 *
	 * @param WP_REST_Response $response Response.
	 * @return array<string, mixed>
	 */
	protected function data( WP_REST_Response $response ): array {
		$data = rest_get_server()->response_to_data( $response, false );
		return json_decode( (string) wp_json_encode( $data ), true );
	}
	/**
	 * Calls a REST route over real HTTP, logged in as `$user` with a real cookie: WordPress's cookie authentication
	 * needs the wp_rest nonce, without which the request is anonymous. Asserts that the call without a nonce answers
	 * 401 rest_forbidden and the one with a bad nonce 403 rest_cookie_invalid_nonce, runs `$after_refusals` (to
	 * check that nothing happened), then answers the status and body of the call with the user's nonce.
	 *
	 * @param int           $user           The logged-in user.
	 * @param string        $method         GET or POST.
	 * @param string        $route          The REST route with its query, such as /igny8/v1/settings.
	 * @param string|null   $json           The JSON body of a POST.
	 * @param callable|null $after_refusals Checks made after the refused calls.
	 * @return array{0: int, 1: mixed}
	 */
	protected function call_with_and_without_rest_nonce( int $user, string $method, string $route, ?string $json = null, ?callable $after_refusals = null ): array {
		$expires = time() + 600;
		$manager = WP_Session_Tokens::get_instance( $user );
		$token   = $manager->create( $expires );
		$cookie  = wp_generate_auth_cookie( $user, $expires, 'logged_in', $token );
		try {
			$_COOKIE[ LOGGED_IN_COOKIE ] = $cookie;
			wp_set_current_user( $user );
			$nonce = wp_create_nonce( 'wp_rest' );
			unset( $_COOKIE[ LOGGED_IN_COOKIE ] );
			wp_set_current_user( 0 );

			$send = static function ( array $headers ) use ( $method, $route, $json ): array {
				$response = wp_remote_request(
					untrailingslashit( (string) IGNY8_TEST_HARNESS['url'] ) . '/?rest_route=' . $route,
					array(
						'method'  => $method,
						'headers' => $headers + ( null === $json ? array() : array( 'Content-Type' => 'application/json' ) ),
						'body'    => $json,
						'timeout' => 20,
					)
				);
				return is_wp_error( $response )
					? array( 0, $response->get_error_message() )
					: array( (int) wp_remote_retrieve_response_code( $response ), json_decode( (string) wp_remote_retrieve_body( $response ), true ) );
			};
			$cookie_header = array( 'Cookie' => LOGGED_IN_COOKIE . '=' . rawurlencode( $cookie ) );

			list( $status, $data ) = $send( $cookie_header );
			$this->assertSame( 401, $status, 'cookie without nonce: ' . wp_json_encode( $data ) );
			$this->assertSame( 'rest_forbidden', $data['code'] );

			list( $status, $data ) = $send( $cookie_header + array( 'X-WP-Nonce' => 'not-a-nonce' ) );
			$this->assertSame( 403, $status, 'bad nonce: ' . wp_json_encode( $data ) );
			$this->assertSame( 'rest_cookie_invalid_nonce', $data['code'] );

			if ( null !== $after_refusals ) {
				$after_refusals();
			}
			return $send( $cookie_header + array( 'X-WP-Nonce' => $nonce ) );
		} finally {
			$manager->destroy( $token );
		}
	}
}
