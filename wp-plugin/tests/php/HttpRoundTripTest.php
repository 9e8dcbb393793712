<?php
/**
 * Signed requests over real HTTP to the harness's web server (php -S), the way the IGNY8 server sends them:
 * checks that the URL the site rebuilds from Host and REQUEST_URI is the one the client signed, in both the
 * pretty (/wp-json/...) and plain (/?rest_route=...) forms.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Tests;

use IGNY8\Connection\Signature;

/**
 * The signed routes through a real web server.
 */
final class HttpRoundTripTest extends IntegrationTestCase {

	/**
	 * Sends a signed request to the harness site with WordPress's HTTP API.
	 *
	 * @param string               $method  Method.
	 * @param string               $path    Path and query under the site URL.
	 * @param string               $body    Body.
	 * @param array<string, mixed> $key     Signing key.
	 * @param string               $site_id Site id.
	 * @param string|null          $nonce   Nonce.
	 * @return array{0: int, 1: mixed}
	 */
	private function send( string $method, string $path, string $body, array $key, string $site_id, ?string $nonce = null ): array {
		$url      = untrailingslashit( (string) IGNY8_TEST_HARNESS['url'] ) . $path;
		$headers  = Signature::sign_request( $method, $url, $body, $site_id, home_url(), $key['key_id'], $key['private'], null, $nonce );
		$response = wp_remote_request(
			$url,
			array(
				'method'      => $method,
				'headers'     => $headers + array( 'Content-Type' => 'application/json' ),
				'body'        => '' === $body ? null : $body,
				'timeout'     => 10,
				'redirection' => 0,
			)
		);
		$this->assertNotWPError( $response );
		return array( (int) wp_remote_retrieve_response_code( $response ), json_decode( (string) wp_remote_retrieve_body( $response ), true ) );
	}

	/**
	 * Fails on a WP_Error, naming it.
	 *
	 * @param mixed $value Value.
	 */
	private function assertNotWPError( $value ): void {
		$this->assertFalse( is_wp_error( $value ), is_wp_error( $value ) ? 'the harness web server does not answer (npm run wp:start): ' . $value->get_error_message() : '' );
	}

	public function test_signed_requests_verify_over_http_in_both_url_forms(): void {
		$this->server->uninstall(); // Real loopback HTTP in this test.
		$connection = $this->connect_test_site();
		$key        = $connection['server'];
		$site_id    = $connection['site_id'];

		list( $status, $data ) = $this->send( 'GET', '/wp-json/igny8/v1/status', '', $key, $site_id );
		$this->assertSame( 200, $status, (string) wp_json_encode( $data ) );
		$this->assertSame( 'ok', $data['health'] );

		list( $status, $data ) = $this->send( 'GET', '/?rest_route=/igny8/v1/status', '', $key, $site_id );
		$this->assertSame( 200, $status, (string) wp_json_encode( $data ) );

		list( $status, $data ) = $this->send( 'GET', '/?rest_route=%2Figny8%2Fv1%2Fstatus&b=2&a=1', '', $key, $site_id );
		$this->assertSame( 200, $status, (string) wp_json_encode( $data ) );

		$nonce = Signature::new_nonce();
		list( $status ) = $this->send( 'POST', '/wp-json/igny8/v1/rotate-server-key', '{"newPublicKey":"x","newKeyId":"y"}', $key, $site_id, $nonce );
		$this->assertSame( 400, $status, 'signature accepted, body refused' );
		list( $status, $data ) = $this->send( 'POST', '/wp-json/igny8/v1/rotate-server-key', '{"newPublicKey":"x","newKeyId":"y"}', $key, $site_id, $nonce );
		$this->assertSame( 401, $status );
		$this->assertSame( 'igny8_signature_replayed', $data['code'] );

		// Signed for the pretty URL, sent to the plain one.
		$url      = untrailingslashit( (string) IGNY8_TEST_HARNESS['url'] );
		$headers  = Signature::sign_request( 'GET', $url . '/wp-json/igny8/v1/status', '', $site_id, home_url(), $key['key_id'], $key['private'] );
		$response = wp_remote_get( $url . '/?rest_route=/igny8/v1/status', array( 'headers' => $headers ) );
		$this->assertNotWPError( $response );
		$this->assertSame( 401, wp_remote_retrieve_response_code( $response ) );
		$this->assertSame( 'igny8_signature_invalid', json_decode( (string) wp_remote_retrieve_body( $response ), true )['code'] );
	}
}
