<?php
/**
 * igny8/v1/editor-images/{id}/attachment (EditorImageController): an image made from the block editor is read from
 * the server signed for the user, added to the media library with its alt text and attached to the post, once:
 * a second call answers the same attachment. Who may call it, the server's refusals, and what is not a raster
 * image or too large are refused before anything reaches the media library.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Tests;

use IGNY8\Rest\EditorImageController;
use WP_REST_Request;
use WP_REST_Response;

/**
 * The editor image route.
 */
final class EditorImageRouteTest extends IntegrationTestCase {

	private const IMAGE_ID = '5d0c2b7e-3f41-4a8e-9c6d-2e7f1a9b8c30';

	/** A 1x1 PNG. */
	private const PNG = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";

	/** @var array{site_id: string, server: array<string, string>, site: array<string, string>} */
	private array $connection;

	/** @var list<int> Posts this test made (attachments are found by their meta). */
	private array $posts = array();

	protected function setUp(): void {
		parent::setUp();
		$this->connection = $this->connect_test_site( array( 'server_url' => 'http://igny8-server.test:8080' ) );
		$this->remove_attachments();
	}

	protected function tearDown(): void {
		$this->remove_attachments();
		foreach ( $this->posts as $post_id ) {
			wp_delete_post( $post_id, true );
		}
		remove_all_filters( 'igny8_editor_image_max_bytes' );
		parent::tearDown();
	}

	/** Deletes every attachment made from the test's editor image. */
	private function remove_attachments(): void {
		foreach ( $this->attachments() as $id ) {
			wp_delete_attachment( $id, true );
		}
	}

	/**
	 * Attachments made from the test's editor image.
	 *
	 * @return list<int>
	 */
	private function attachments(): array {
		return array_map(
			'intval',
			get_posts(
				array(
					'post_type'      => 'attachment',
					'post_status'    => 'any',
					'meta_key'       => EditorImageController::META_KEY, // phpcs:ignore WordPress.DB.SlowDBQuery.slow_query_meta_key
					'meta_value'     => self::IMAGE_ID, // phpcs:ignore WordPress.DB.SlowDBQuery.slow_query_meta_value
					'fields'         => 'ids',
					'posts_per_page' => -1,
				)
			)
		);
	}

	/**
	 * A draft by a harness user.
	 *
	 * @param string $role Harness user.
	 */
	private function post_by( string $role ): int {
		$id = wp_insert_post(
			array(
				'post_title'  => 'Cold brew at home',
				'post_status' => 'draft',
				'post_author' => $this->user_id( $role ),
			),
			true
		);
		$this->assertIsInt( $id );
		$this->posts[] = $id;
		return $id;
	}

	/**
	 * POST the route as the current user.
	 *
	 * @param array<string, mixed> $body JSON body.
	 * @param string               $id   Editor image id.
	 */
	private function attach( array $body, string $id = self::IMAGE_ID ): WP_REST_Response {
		$request = new WP_REST_Request( 'POST', '/igny8/v1/editor-images/' . $id . '/attachment' );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_body( (string) wp_json_encode( $body ) );
		return $this->dispatch( $request );
	}

	/**
	 * The server's editor image details and file.
	 *
	 * @param array<string, mixed> $details Fields over a generated PNG's.
	 * @param int                  $status  The file's status.
	 * @param string|array         $file    Its bytes (or an envelope).
	 * @param string               $type    Its content type.
	 */
	private function serve( array $details = array(), int $status = 200, $file = self::PNG, string $type = 'image/png' ): void {
		$this->server->on(
			'/api/v1/writer/editor-images/' . self::IMAGE_ID,
			function () use ( $details ): array {
				return FakeServer::ok(
					$details + array(
						'id'        => self::IMAGE_ID,
						'siteId'    => $this->connection['site_id'],
						'wpPostId'  => null,
						'status'    => 'generated',
						'altText'   => 'A glass jar of cold brew coffee',
						'mimeType'  => 'image/png',
						'width'     => 1,
						'height'    => 1,
						'error'     => null,
					)
				);
			}
		);
		$this->server->on(
			'/api/v1/writer/editor-images/' . self::IMAGE_ID . '/file',
			static function () use ( $status, $file, $type ): array {
				return array( $status, $file, array( 'content-type' => $type ) );
			}
		);
	}

	/**
	 * Asserts an error status and code.
	 *
	 * @param int              $status   Status.
	 * @param string           $code     Code.
	 * @param WP_REST_Response $response Response.
	 * @param string           $what     Case.
	 */
	private function assertError( int $status, string $code, WP_REST_Response $response, string $what = '' ): void {
		$this->assertSame( $status, $response->get_status(), $what . ': ' . wp_json_encode( $this->data( $response ) ) );
		$this->assertSame( $code, $this->data( $response )['code'] ?? null, $what );
	}

	public function test_an_editor_adds_the_image_to_the_media_library_once(): void {
		wp_set_current_user( $this->user_id( 'editor' ) );
		$post_id = $this->post_by( 'editor' );
		$this->serve();

		$response = $this->attach( array( 'postId' => $post_id ), strtoupper( self::IMAGE_ID ) );
		$this->assertSame( 201, $response->get_status(), (string) wp_json_encode( $this->data( $response ) ) );
		$data          = $this->data( $response );
		$attachment_id = $data['attachmentId'];
		$this->assertIsInt( $attachment_id );
		$this->assertTrue( $data['created'] );
		$this->assertSame( 'A glass jar of cold brew coffee', $data['altText'] );
		$this->assertSame( wp_get_attachment_url( $attachment_id ), $data['url'] );
		$this->assertMatchesRegularExpression( '#/a-glass-jar-of-cold-brew-coffee-5d0c2b7e\.png$#', $data['url'] );

		$attachment = get_post( $attachment_id );
		$this->assertSame( 'attachment', $attachment->post_type );
		$this->assertSame( 'image/png', $attachment->post_mime_type );
		$this->assertSame( $post_id, (int) $attachment->post_parent, 'attached to the post' );
		$this->assertSame( $this->user_id( 'editor' ), (int) $attachment->post_author );
		$this->assertSame( 'A glass jar of cold brew coffee', get_post_meta( $attachment_id, '_wp_attachment_image_alt', true ) );
		$this->assertSame( self::IMAGE_ID, get_post_meta( $attachment_id, EditorImageController::META_KEY, true ) );
		$this->assertSame( self::PNG, file_get_contents( get_attached_file( $attachment_id ) ) ); // phpcs:ignore WordPress.WP.AlternativeFunctions

		// Both server requests are signed for the editor.
		$this->assertSame(
			array( '/api/v1/writer/editor-images/' . self::IMAGE_ID, '/api/v1/writer/editor-images/' . self::IMAGE_ID . '/file' ),
			array_column( $this->server->requests, 'path' )
		);
		foreach ( $this->server->requests as $sent ) {
			$this->assertSame( 'GET', $sent['method'] );
			$this->assertSame( (string) $this->user_id( 'editor' ), $sent['headers']['x-igny8-wp-user'] );
			$this->assertSame( 'editor', $sent['headers']['x-igny8-wp-role'] );
			$signed = array_merge( $sent, array( 'url' => $sent['url'] . '?x-igny8-wp-role=editor&x-igny8-wp-user=' . $this->user_id( 'editor' ) ) );
			$this->assertTrue( FakeServer::is_signed_by( $signed, $this->connection['site']['public'] ), $sent['path'] . ' is signed' );
		}

		// Again (a retry, another tab): the same attachment, no copy, no download.
		$again = $this->attach( array( 'postId' => $post_id ) );
		$this->assertSame( 200, $again->get_status() );
		$this->assertSame( $attachment_id, $this->data( $again )['attachmentId'] );
		$this->assertFalse( $this->data( $again )['created'] );
		$this->assertCount( 2, $this->server->requests, 'the second call reaches no server' );
		$this->assertSame( array( $attachment_id ), $this->attachments() );
	}

	public function test_a_request_arriving_while_another_adds_the_image_is_told_to_wait(): void {
		wp_set_current_user( $this->user_id( 'editor' ) );
		$post_id = $this->post_by( 'editor' );
		$this->serve();
		$lock = 'igny8_editor_image_lock_' . md5( self::IMAGE_ID );
		add_option( $lock, time(), '', 'no' );
		try {
			$this->assertError( 409, 'igny8_image_busy', $this->attach( array( 'postId' => $post_id ) ) );
			$this->assertSame( array(), $this->attachments() );
			// A lock left by a request that died long ago is taken over.
			update_option( $lock, time() - 600, false );
			$this->assertSame( 201, $this->attach( array( 'postId' => $post_id ) )->get_status() );
			$this->assertFalse( get_option( $lock ), 'the lock is released' );
		} finally {
			delete_option( $lock );
		}
	}

	public function test_what_is_not_a_raster_image_is_refused(): void {
		wp_set_current_user( $this->user_id( 'editor' ) );
		$post_id = $this->post_by( 'editor' );
		$cases   = array(
			'HTML'                      => array( '<html><script>alert(1)</script></html>', 'text/html' ),
			'SVG'                       => array( '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 'image/svg+xml' ),
			'HTML named a PNG'          => array( '<html><script>alert(1)</script></html>', 'image/png' ),
			'a PNG named a JPEG'        => array( self::PNG, 'image/jpeg' ),
			'no content type'           => array( self::PNG, '' ),
			'empty'                     => array( '', 'image/png' ),
		);
		foreach ( $cases as $what => list( $bytes, $type ) ) {
			$this->serve( array(), 200, $bytes, $type );
			$this->assertError( 502, 'igny8_not_an_image', $this->attach( array( 'postId' => $post_id ) ), $what );
		}
		$this->assertSame( array(), $this->attachments(), 'nothing reached the media library' );
	}

	public function test_a_file_over_the_limit_is_refused(): void {
		wp_set_current_user( $this->user_id( 'editor' ) );
		$post_id = $this->post_by( 'editor' );
		$this->serve();
		add_filter(
			'igny8_editor_image_max_bytes',
			static function (): int {
				return 10;
			}
		);
		$response = $this->attach( array( 'postId' => $post_id ) );
		$this->assertError( 413, 'igny8_image_too_large', $response );
		$this->assertStringContainsString( 'Generate a smaller one', $this->data( $response )['message'] );
		$this->assertSame( array(), $this->attachments() );
	}

	public function test_an_image_not_made_yet_failed_or_unknown(): void {
		wp_set_current_user( $this->user_id( 'editor' ) );
		$post_id = $this->post_by( 'editor' );

		$this->serve( array( 'status' => 'pending' ) );
		$this->assertError( 409, 'igny8_image_not_ready', $this->attach( array( 'postId' => $post_id ) ), 'pending' );

		$this->serve(
			array(
				'status' => 'failed',
				'error'  => 'The AI provider refused this prompt.',
			)
		);
		$response = $this->attach( array( 'postId' => $post_id ) );
		$this->assertError( 409, 'igny8_image_failed', $response, 'failed' );
		$this->assertSame( 'The AI provider refused this prompt.', $this->data( $response )['message'] );

		$this->server->on(
			'/api/v1/writer/editor-images/' . self::IMAGE_ID,
			static function (): array {
				return FakeServer::error( 404, 'NOT_FOUND', 'Editor image 5d0c2b7e-3f41-4a8e-9c6d-2e7f1a9b8c30 does not exist.' );
			}
		);
		$response = $this->attach( array( 'postId' => $post_id ) );
		$this->assertError( 404, 'NOT_FOUND', $response, 'unknown to the server' );
		$this->assertStringContainsString( 'does not exist', $this->data( $response )['message'] );
		$this->assertNotContains( '/api/v1/writer/editor-images/' . self::IMAGE_ID . '/file', array_column( $this->server->requests, 'path' ), 'no download of an image that is not ready' );
		$this->assertSame( array(), $this->attachments() );

		( new \IGNY8\Connection\KeyStore() )->clear_all();
		$this->assertError( 409, 'igny8_not_connected', $this->attach( array( 'postId' => $post_id ) ), 'not connected' );
	}

	public function test_who_may_add_an_image_and_to_which_post(): void {
		$this->serve();
		$editors_post = $this->post_by( 'editor' );
		$authors_post = $this->post_by( 'author' );

		$this->assertError( 401, 'rest_forbidden', $this->attach( array( 'postId' => $editors_post ) ), 'anonymous' );

		foreach ( array( 'subscriber', 'contributor' ) as $role ) {
			$login = 'igny8-test-' . $role . '-' . bin2hex( random_bytes( 3 ) );
			$id    = wp_insert_user(
				array(
					'user_login' => $login,
					'user_pass'  => wp_generate_password( 24 ),
					'user_email' => $login . '@example.com',
					'role'       => $role,
				)
			);
			$this->assertIsInt( $id );
			try {
				wp_set_current_user( $id );
				$response = $this->attach( array( 'postId' => $editors_post ) );
				$this->assertError( 403, 'rest_forbidden', $response, $role );
				$this->assertStringContainsString( 'upload files', $this->data( $response )['message'], $role );
			} finally {
				wp_delete_user( $id );
			}
		}

		// An author uploads files but cannot edit someone else's post.
		wp_set_current_user( $this->user_id( 'author' ) );
		$response = $this->attach( array( 'postId' => $editors_post ) );
		$this->assertError( 403, 'rest_forbidden', $response, "author, another's post" );
		$this->assertStringContainsString( "You cannot edit post {$editors_post}", $this->data( $response )['message'] );
		$this->assertError( 400, 'igny8_invalid_post', $this->attach( array() ), 'no post named' );
		$this->assertError( 400, 'igny8_invalid_post', $this->attach( array( 'postId' => 'one' ) ), 'not a post id' );
		$this->assertError( 404, 'igny8_post_not_found', $this->attach( array( 'postId' => 999999999 ) ), 'no such post' );
		$this->assertCount( 0, $this->server->requests, 'refused calls reach no server' );

		$this->assertSame( 201, $this->attach( array( 'postId' => $authors_post ) )->get_status(), "author, own post" );
		$this->assertSame( 404, $this->attach( array( 'postId' => $authors_post ), 'not-an-id' )->get_status(), 'not an image id' );
	}

	/**
	 * Over real HTTP with a real login cookie: without the wp_rest nonce the request is anonymous. (With it, the
	 * request passes and fails to reach the test's server address: a 502.)
	 */
	public function test_the_rest_nonce_is_required(): void {
		$this->server->uninstall();
		$this->connect_test_site( array( 'server_url' => 'http://127.0.0.1:9' ) );
		$post_id = $this->post_by( 'editor' );
		list( $status, $data ) = $this->call_with_and_without_rest_nonce(
			$this->user_id( 'editor' ),
			'POST',
			'/igny8/v1/editor-images/' . self::IMAGE_ID . '/attachment',
			(string) wp_json_encode( array( 'postId' => $post_id ) )
		);
		$this->assertSame( 502, $status, 'cookie and nonce: ' . wp_json_encode( $data ) );
		$this->assertSame( 'igny8_server_unreachable', $data['code'] );
	}
}
