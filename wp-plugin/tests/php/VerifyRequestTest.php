<?php
/**
 * Signature::verify_request() on real WP_REST_Requests, in the order the protocol fixes.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Tests;

use IGNY8\Connection\KeyStore;
use IGNY8\Connection\Signature;
use WP_Error;
use WP_REST_Request;

/**
 * Verification of server-signed requests to the site.
 */
final class VerifyRequestTest extends IntegrationTestCase {

	/** @var array{site_id: string, server: array<string, string>, site: array<string, string>} */
	private array $connection;

	protected function setUp(): void {
		parent::setUp();
		$this->connection = $this->connect_test_site();
	}

	/**
	 * Runs verify_request with the KeyStore lookup the routes use.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return true|WP_Error
	 */
	private function verify( WP_REST_Request $request ) {
		return Signature::verify_request( $request, array( new KeyStore(), 'lookup_server_key' ) );
	}

	/**
	 * A request signed with the test server key.
	 *
	 * @param array<string, mixed> $options See signed_request().
	 */
	private function request( string $method = 'POST', string $route = '/igny8/v1/disconnect', string $body = '{"reason":"test"}', array $options = array() ): WP_REST_Request {
		return $this->signed_request( $method, $route, $body, $options['key'] ?? $this->connection['server'], $options['site_id'] ?? $this->connection['site_id'], $options );
	}

	/**
	 * Asserts a WP_Error with that code and status 401.
	 *
	 * @param mixed  $result verify_request()'s answer.
	 * @param string $code   Expected code.
	 */
	private function assertRefused( $result, string $code ): void {
		$this->assertInstanceOf( WP_Error::class, $result );
		$this->assertSame( $code, $result->get_error_code(), $result->get_error_message() );
		$this->assertSame( 401, $result->get_error_data()['status'] ?? null );
	}

	public function test_a_valid_request_verifies_in_both_url_forms(): void {
		$this->assertTrue( $this->verify( $this->request() ) );
		$this->assertTrue( $this->verify( $this->request( 'POST', '/igny8/v1/disconnect', '{}', array( 'form' => 'plain' ) ) ) );
		$this->assertTrue( $this->verify( $this->request( 'GET', '/igny8/v1/status', '', array( 'form' => 'plain' ) ) ) );
		$this->assertTrue( $this->verify( $this->request( 'GET', '/igny8/v1/status', '', array( 'query' => 'b=2&a=caf%C3%A9+x' ) ) ) );
	}

	public function test_a_replayed_nonce_is_refused(): void {
		$nonce = Signature::new_nonce();
		$this->assertTrue( $this->verify( $this->request( 'POST', '/igny8/v1/disconnect', '{}', array( 'nonce' => $nonce ) ) ) );
		$this->assertRefused( $this->verify( $this->request( 'POST', '/igny8/v1/disconnect', '{}', array( 'nonce' => $nonce ) ) ), 'igny8_signature_replayed' );
	}

	public function test_a_timestamp_more_than_300_seconds_off_is_refused(): void {
		$this->assertRefused( $this->verify( $this->request( 'POST', '/igny8/v1/disconnect', '{}', array( 'timestamp' => time() - 301 ) ) ), 'igny8_signature_expired' );
		$this->assertRefused( $this->verify( $this->request( 'POST', '/igny8/v1/disconnect', '{}', array( 'timestamp' => time() + 301 ) ) ), 'igny8_signature_expired' );
		$this->assertTrue( $this->verify( $this->request( 'POST', '/igny8/v1/disconnect', '{}', array( 'timestamp' => time() - 290 ) ) ) );
	}

	public function test_an_unknown_key_id_is_refused(): void {
		$other = Signature::generate_key_pair();
		$this->assertRefused( $this->verify( $this->request( 'POST', '/igny8/v1/disconnect', '{}', array( 'key' => $other ) ) ), 'igny8_signature_invalid' );
	}

	public function test_the_right_key_id_with_another_private_key_is_refused(): void {
		$forged           = Signature::generate_key_pair();
		$forged['key_id'] = $this->connection['server']['key_id'];
		$this->assertRefused( $this->verify( $this->request( 'POST', '/igny8/v1/disconnect', '{}', array( 'key' => $forged ) ) ), 'igny8_signature_invalid' );
	}

	public function test_another_site_id_is_refused(): void {
		$other_site = wp_generate_uuid4();
		$this->forget_nonces_of( $other_site );
		$this->assertRefused( $this->verify( $this->request( 'POST', '/igny8/v1/disconnect', '{}', array( 'site_id' => $other_site ) ) ), 'igny8_site_not_connected' );
	}

	public function test_a_site_that_is_not_connected_refuses_everything(): void {
		$request = $this->request();
		( new KeyStore() )->clear_all();
		$this->assertRefused( $this->verify( $request ), 'igny8_site_not_connected' );
	}

	public function test_a_changed_body_path_query_host_or_method_is_refused(): void {
		$body = $this->request( 'POST', '/igny8/v1/disconnect', '{"a":1}' );
		$body->set_body( '{"a":2}' );
		$this->assertRefused( $this->verify( $body ), 'igny8_signature_invalid' );

		// Body and its hash header both replaced: caught by the signature itself.
		$both = $this->request( 'POST', '/igny8/v1/disconnect', '{"a":1}' );
		$both->set_body( '{"a":2}' );
		$both->set_header( 'X-IGNY8-Content-SHA256', hash( 'sha256', '{"a":2}' ) );
		$this->assertRefused( $this->verify( $both ), 'igny8_signature_invalid' );

		$path = $this->request( 'POST', '/igny8/v1/disconnect', '{}' );
		$_SERVER['REQUEST_URI'] = '/wp-json/igny8/v1/disconnecT';
		$this->assertRefused( $this->verify( $path ), 'igny8_signature_invalid' );

		$query = $this->request( 'GET', '/igny8/v1/status', '', array( 'query' => 'a=1' ) );
		$_SERVER['REQUEST_URI'] = '/wp-json/igny8/v1/status?a=2';
		$this->assertRefused( $this->verify( $query ), 'igny8_signature_invalid' );

		$host = $this->request( 'POST', '/igny8/v1/disconnect', '{}' );
		$_SERVER['HTTP_HOST'] = 'staging.example.com';
		$this->assertRefused( $this->verify( $host ), 'igny8_signature_invalid' );

		$method = $this->request( 'POST', '/igny8/v1/disconnect', '{}' );
		$method->set_method( 'PUT' );
		$this->assertRefused( $this->verify( $method ), 'igny8_signature_invalid' );
	}

	public function test_a_request_signed_for_another_site_url_is_refused(): void {
		$request = $this->request();
		$this->assertRefused(
			Signature::verify_request( $request, array( new KeyStore(), 'lookup_server_key' ), 'http://staging.example.com' ),
			'igny8_signature_invalid'
		);
	}

	public function test_missing_or_malformed_headers_are_refused(): void {
		foreach ( Signature::HEADERS as $header ) {
			$request = $this->request();
			$request->remove_header( $header );
			$this->assertRefused( $this->verify( $request ), 'igny8_signature_invalid' );
		}
		$version = $this->request();
		$version->set_header( 'X-IGNY8-Version', '2' );
		$this->assertRefused( $this->verify( $version ), 'igny8_signature_invalid' );

		$nonce = $this->request( 'POST', '/igny8/v1/disconnect', '{}', array( 'nonce' => 'short' ) );
		$this->assertRefused( $this->verify( $nonce ), 'igny8_signature_invalid' );
	}

	public function test_algorithm_headers_are_ignored_and_only_ed25519_counts(): void {
		$alg_headers = array(
			'alg'         => 'none',
			'X-IGNY8-Alg' => 'HS256',
		);
		// A valid Ed25519 signature still verifies: the headers select nothing.
		$this->assertTrue( $this->verify( $this->request( 'POST', '/igny8/v1/disconnect', '{}', array( 'headers' => $alg_headers ) ) ) );

		// HMAC "signatures" keyed with the server's PUBLIC key (the classic algorithm-confusion forgery).
		foreach ( array( 'sha256', 'sha512' ) as $hmac ) {
			$request   = $this->request( 'POST', '/igny8/v1/disconnect', '{}', array( 'headers' => array( 'X-IGNY8-Alg' => 'HS' . substr( $hmac, 3 ) ) + $alg_headers ) );
			$canonical = Signature::canonical_string(
				'POST',
				Signature::requested_url(),
				'{}',
				$this->connection['site_id'],
				home_url(),
				(int) $request->get_header( 'X-IGNY8-Timestamp' ),
				(string) $request->get_header( 'X-IGNY8-Nonce' )
			);
			$request->set_header( 'X-IGNY8-Signature', Signature::base64url_encode( hash_hmac( $hmac, $canonical, $this->connection['server']['public'], true ) ) );
			$this->assertRefused( $this->verify( $request ), 'igny8_signature_invalid' );
		}
	}

	public function test_the_nonce_is_consumed_before_the_signature_is_checked(): void {
		$nonce = Signature::new_nonce();
		$bad   = $this->request( 'POST', '/igny8/v1/disconnect', '{}', array( 'nonce' => $nonce ) );
		$bad->set_header( 'X-IGNY8-Signature', str_repeat( 'A', 86 ) );
		$this->assertRefused( $this->verify( $bad ), 'igny8_signature_invalid' );
		// The same nonce, now validly signed, counts as a replay.
		$this->assertRefused( $this->verify( $this->request( 'POST', '/igny8/v1/disconnect', '{}', array( 'nonce' => $nonce ) ) ), 'igny8_signature_replayed' );
	}

	public function test_an_expired_request_does_not_consume_its_nonce(): void {
		$nonce = Signature::new_nonce();
		$this->assertRefused( $this->verify( $this->request( 'POST', '/igny8/v1/disconnect', '{}', array( 'nonce' => $nonce, 'timestamp' => time() - 1000 ) ) ), 'igny8_signature_expired' );
		$this->assertTrue( $this->verify( $this->request( 'POST', '/igny8/v1/disconnect', '{}', array( 'nonce' => $nonce ) ) ) );
	}

	public function test_nonces_are_case_sensitive(): void {
		$nonce = 'CaseSensitiveNonce-' . bin2hex( random_bytes( 4 ) );
		$this->assertTrue( $this->verify( $this->request( 'POST', '/igny8/v1/disconnect', '{}', array( 'nonce' => $nonce ) ) ) );
		$this->assertTrue( $this->verify( $this->request( 'POST', '/igny8/v1/disconnect', '{}', array( 'nonce' => strtolower( $nonce ) ) ) ) );
	}
}
