<?php
/**
 * igny8/v1/images/{imageId} (ImageController): a content image's bytes fetched from the server signed for the
 * WordPress user, served with their image type; the server's refusals in its own words; anything that is not a
 * raster image refused; raw bytes printed by rest_pre_serve_request instead of JSON.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Tests;

use IGNY8\Connection\Signature;
use IGNY8\Rest\ImageController;
use WP_REST_Request;
use WP_REST_Response;

/**
 * The image route.
 */
final class ImageRouteTest extends IntegrationTestCase {

	private const IMAGE_ID = '0b7e3a52-8d1c-4f7e-9a43-5c2f1e8b9d60';

	/** A 1x1 PNG. */
	private const PNG = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";

	/** @var array{site_id: string, server: array<string, string>, site: array<string, string>} */
	private array $connection;

	protected function setUp(): void {
		parent::setUp();
		$this->connection = $this->connect_test_site( array( 'server_url' => 'http://igny8-server.test:8080' ) );
	}

	/**
	 * GET /igny8/v1/images/$id as the current user.
	 *
	 * @param string $id Image id.
	 */
	private function fetch( string $id = self::IMAGE_ID ): WP_REST_Response {
		return $this->dispatch( new WP_REST_Request( 'GET', '/igny8/v1/images/' . $id ) );
	}

	/**
	 * The server answers the image file route with $status, $body and $type.
	 *
	 * @param int          $status Status.
	 * @param string|array $body   Bytes, or an envelope.
	 * @param string       $type   Content type.
	 */
	private function serve_file( int $status, $body, string $type ): void {
		$this->server->on(
			'/api/v1/writer/images/' . self::IMAGE_ID . '/file',
			static function () use ( $status, $body, $type ): array {
				return array( $status, $body, array( 'content-type' => $type ) );
			}
		);
	}

	public function test_an_editor_gets_the_bytes_signed_for_them(): void {
		wp_set_current_user( $this->user_id( 'editor' ) );
		$this->serve_file( 200, self::PNG, 'image/png' );

		$response = $this->fetch( strtoupper( self::IMAGE_ID ) );
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( self::PNG, $response->get_data() );
		$headers = $response->get_headers();
		$this->assertSame( 'image/png', $headers['Content-Type'] );
		$this->assertSame( 'nosniff', $headers['X-Content-Type-Options'] );

		$this->assertCount( 1, $this->server->requests );
		$sent = $this->server->requests[0];
		$this->assertSame( 'GET', $sent['method'] );
		$this->assertSame( 'http://igny8-server.test:8080/api/v1/writer/images/' . self::IMAGE_ID . '/file', $sent['url'] );
		$this->assertSame( (string) $this->user_id( 'editor' ), $sent['headers']['x-igny8-wp-user'] );
		$this->assertSame( 'editor', $sent['headers']['x-igny8-wp-role'] );
		$url  = $sent['url'] . '?x-igny8-wp-role=editor&x-igny8-wp-user=' . $this->user_id( 'editor' );
		$text = Signature::canonical_string( 'GET', $url, '', (string) $sent['headers']['X-IGNY8-Site'], home_url(), (int) $sent['headers']['X-IGNY8-Timestamp'], (string) $sent['headers']['X-IGNY8-Nonce'] );
		$this->assertTrue( Signature::verify( $text, (string) $sent['headers']['X-IGNY8-Signature'], $this->connection['site']['public'] ), 'signed with the site key and the acting user' );
	}

	public function test_the_bytes_are_printed_raw_not_as_json(): void {
		wp_set_current_user( $this->user_id( 'editor' ) );
		$this->serve_file( 200, self::PNG, 'image/png' );
		$request  = new WP_REST_Request( 'GET', '/igny8/v1/images/' . self::IMAGE_ID );
		$response = $this->dispatch( $request );
		$response->set_matched_route( '/igny8/v1/images/(?P<image_id>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})' );

		ob_start();
		$served = apply_filters( 'rest_pre_serve_request', false, $response, $request, rest_get_server() );
		$output = (string) ob_get_clean();
		$this->assertTrue( $served );
		$this->assertSame( self::PNG, $output );

		// Other routes are left to WordPress.
		$other = new WP_REST_Request( 'GET', '/igny8/v1/connection' );
		ob_start();
		$this->assertFalse( ImageController::send_bytes( false, new WP_REST_Response( 'x', 200 ), $other, rest_get_server() ) );
		$this->assertSame( '', (string) ob_get_clean() );
	}

	public function test_the_servers_refusal_in_its_own_words(): void {
		wp_set_current_user( $this->user_id( 'editor' ) );
		$this->serve_file(
			404,
			array(
				'success' => false,
				'code'    => 'NOT_FOUND',
				'error'   => 'This image has no file yet: make the images first.',
			),
			'application/json'
		);
		$response = $this->fetch();
		$this->assertSame( 404, $response->get_status() );
		$this->assertSame( 'NOT_FOUND', $this->data( $response )['code'] );
		$this->assertSame( 'This image has no file yet: make the images first.', $this->data( $response )['message'] );
	}

	public function test_only_raster_images_are_served(): void {
		wp_set_current_user( $this->user_id( 'editor' ) );
		foreach ( array( 'text/html', 'image/svg+xml', '' ) as $type ) {
			$this->serve_file( 200, '<script>alert(1)</script>', $type );
			$response = $this->fetch();
			$this->assertSame( 502, $response->get_status(), $type );
			$this->assertSame( 'igny8_not_an_image', $this->data( $response )['code'], $type );
		}
	}

	public function test_who_may_fetch(): void {
		$this->serve_file( 200, self::PNG, 'image/png' );
		$response = $this->fetch();
		$this->assertSame( 401, $response->get_status(), 'anonymous' );
		$this->assertSame( 'rest_forbidden', $this->data( $response )['code'] );

		$login = 'igny8-test-subscriber-' . bin2hex( random_bytes( 3 ) );
		$id    = wp_insert_user(
			array(
				'user_login' => $login,
				'user_pass'  => wp_generate_password( 24 ),
				'user_email' => $login . '@example.com',
				'role'       => 'subscriber',
			)
		);
		$this->assertIsInt( $id );
		try {
			wp_set_current_user( $id );
			$response = $this->fetch();
			$this->assertSame( 403, $response->get_status(), 'subscriber' );
			$this->assertSame( 'Only users who can edit posts can use IGNY8.', $this->data( $response )['message'] );
		} finally {
			wp_delete_user( $id );
		}
		$this->assertCount( 0, $this->server->requests, 'refused users reach no server' );

		wp_set_current_user( $this->user_id( 'author' ) );
		$this->assertSame( 200, $this->fetch()->get_status(), 'author' );
		$this->assertSame( 404, $this->fetch( 'not-a-uuid' )->get_status(), 'not an image id' );
	}

	public function test_not_connected(): void {
		( new \IGNY8\Connection\KeyStore() )->clear_all();
		wp_set_current_user( $this->user_id( 'editor' ) );
		$response = $this->fetch();
		$this->assertSame( 409, $response->get_status() );
		$this->assertSame( 'igny8_not_connected', $this->data( $response )['code'] );
	}
}
