<?php
/**
 * Base class of the publishing tests: a connected site whose publishing user (role author, with a real
 * application password) is this test's own, REST helpers for WordPress's wp/v2 routes in-process and over HTTP,
 * and clean-up of the posts, terms, users and options a test creates.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Tests;

use IGNY8\Publishing\Authorship;
use WP_REST_Request;
use WP_REST_Response;

/**
 * Shared set-up of the publishing tests.
 */
abstract class PublishingTestCase extends IntegrationTestCase {

	/** @var array{site_id: string, server: array<string, string>, site: array<string, string>} */
	protected array $connection;

	/** @var array{id: int, username: string, password: string} */
	protected array $publisher;

	/** @var int[] */
	private array $posts = array();

	/** @var array<int, string> term id => taxonomy */
	private array $terms = array();

	/** @var int[] */
	private array $users = array();

	/** @var mixed */
	private $saved_default_author;

	protected function setUp(): void {
		parent::setUp();
		$this->saved_default_author = get_option( Authorship::DEFAULT_AUTHOR_OPTION, null );
		delete_option( Authorship::DEFAULT_AUTHOR_OPTION );

		$ensured = $this->test_publisher()->ensure_user();
		$this->assertIsArray( $ensured, is_wp_error( $ensured ) ? $ensured->get_error_message() : '' );
		$this->publisher  = array(
			'id'       => $ensured[2],
			'username' => $ensured[0],
			'password' => $ensured[1],
		);
		$this->connection = $this->connect_test_site( array( 'publisher_user_id' => $ensured[2] ) );
	}

	protected function tearDown(): void {
		wp_set_current_user( 0 );
		foreach ( $this->posts as $post_id ) {
			wp_delete_post( $post_id, true );
		}
		foreach ( $this->terms as $term_id => $taxonomy ) {
			wp_delete_term( $term_id, $taxonomy );
		}
		foreach ( $this->users as $user_id ) {
			wp_delete_user( $user_id );
		}
		if ( null === $this->saved_default_author ) {
			delete_option( Authorship::DEFAULT_AUTHOR_OPTION );
		} else {
			update_option( Authorship::DEFAULT_AUTHOR_OPTION, $this->saved_default_author );
		}
		parent::tearDown();
	}

	/**
	 * Deletes the post (and its revisions and meta) after the test.
	 *
	 * @param int $post_id Post id.
	 */
	protected function forget_post( int $post_id ): int {
		$this->posts[] = $post_id;
		return $post_id;
	}

	/**
	 * Deletes the term after the test.
	 *
	 * @param int    $term_id  Term id.
	 * @param string $taxonomy Taxonomy.
	 */
	protected function forget_term( int $term_id, string $taxonomy ): void {
		$this->terms[ $term_id ] = $taxonomy;
	}

	/**
	 * A user with that role, deleted after the test.
	 *
	 * @param string $role Role.
	 */
	protected function make_user( string $role ): int {
		$login   = 'igny8-test-' . $role . '-' . bin2hex( random_bytes( 4 ) );
		$user_id = wp_insert_user(
			array(
				'user_login' => $login,
				'user_pass'  => wp_generate_password( 32 ),
				'user_email' => $login . '@example.invalid',
				'role'       => $role,
			)
		);
		$this->assertIsInt( $user_id );
		$this->users[] = $user_id;
		return $user_id;
	}

	/**
	 * A post created directly (not through REST), deleted after the test.
	 *
	 * @param array<string, mixed> $fields     wp_insert_post() fields.
	 * @param string|null          $content_id Our content id, stored as the server would have.
	 */
	protected function make_post( array $fields = array(), ?string $content_id = null ): int {
		$post_id = wp_insert_post(
			array_merge(
				array(
					'post_title'   => 'IGNY8 test post',
					'post_content' => '<!-- wp:paragraph --><p>Body</p><!-- /wp:paragraph -->',
					'post_status'  => 'draft',
					'post_author'  => $this->user_id( 'admin' ),
				),
				$fields
			),
			true
		);
		$this->assertIsInt( $post_id, is_wp_error( $post_id ) ? $post_id->get_error_message() : '' );
		$this->forget_post( $post_id );
		if ( null !== $content_id ) {
			update_post_meta( $post_id, '_igny8_content_id', $content_id );
		}
		return $post_id;
	}

	/**
	 * A wp/v2 (or any) REST request dispatched in-process as a user (0: anonymous).
	 *
	 * @param string                    $method  Method.
	 * @param string                    $route   Route such as /wp/v2/posts.
	 * @param array<string, mixed>|null $body    JSON body.
	 * @param int                       $user_id Current user.
	 * @param array<string, mixed>      $query   Query parameters.
	 */
	protected function rest( string $method, string $route, ?array $body, int $user_id, array $query = array() ): WP_REST_Response {
		wp_set_current_user( $user_id );
		$request = new WP_REST_Request( $method, $route );
		if ( null !== $body ) {
			$request->set_header( 'Content-Type', 'application/json' );
			$request->set_body( (string) wp_json_encode( $body ) );
		}
		if ( array() !== $query ) {
			$request->set_query_params( $query );
		}
		$response = $this->dispatch( $request );
		wp_set_current_user( 0 );
		return $response;
	}

	/**
	 * A request to the harness's web server over HTTP (the FakeServer filter must be uninstalled first).
	 *
	 * @param string                    $method Method.
	 * @param string                    $path   Path under the site URL, such as /wp-json/wp/v2/posts.
	 * @param array<string, mixed>|null $body   JSON body.
	 * @param array<string, string>     $auth   [username, application password], or none.
	 * @return array{0: int, 1: mixed, 2: string} Status, decoded JSON, raw body.
	 */
	protected function http( string $method, string $path, ?array $body = null, array $auth = array() ): array {
		$headers = array( 'Accept' => 'application/json' );
		if ( array() !== $auth ) {
			$headers['Authorization'] = 'Basic ' . base64_encode( $auth[0] . ':' . $auth[1] ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode
		}
		if ( null !== $body ) {
			$headers['Content-Type'] = 'application/json';
		}
		$response = wp_remote_request(
			untrailingslashit( (string) IGNY8_TEST_HARNESS['url'] ) . $path,
			array(
				'method'      => $method,
				'headers'     => $headers,
				'body'        => null === $body ? null : (string) wp_json_encode( $body ),
				'timeout'     => 15,
				'redirection' => 0,
			)
		);
		$this->assertFalse( is_wp_error( $response ), is_wp_error( $response ) ? 'the harness web server does not answer (npm run wp:start): ' . $response->get_error_message() : '' );
		$raw = (string) wp_remote_retrieve_body( $response );
		return array( (int) wp_remote_retrieve_response_code( $response ), json_decode( $raw, true ), $raw );
	}

	/**
	 * [username, application password] of this test's publishing user.
	 *
	 * @return array{0: string, 1: string}
	 */
	protected function publisher_auth(): array {
		return array( $this->publisher['username'], $this->publisher['password'] );
	}

	/**
	 * A signed GET igny8/v1/content/<id>, dispatched in-process.
	 *
	 * @param string $content_id Content id.
	 */
	protected function lookup( string $content_id ): WP_REST_Response {
		return $this->dispatch( $this->signed_request( 'GET', '/igny8/v1/content/' . $content_id, '', $this->connection['server'], $this->connection['site_id'] ) );
	}

	/**
	 * Asserts a response's status, showing its body on failure.
	 *
	 * @param int              $status   Expected status.
	 * @param WP_REST_Response $response Response.
	 * @param string           $what     Case.
	 */
	protected function assertStatus( int $status, WP_REST_Response $response, string $what = '' ): void {
		$this->assertSame( $status, $response->get_status(), trim( $what . ': ' . wp_json_encode( $this->data( $response ) ), ': ' ) );
	}

	/**
	 * Asserts an error status and code.
	 *
	 * @param int              $status   Expected status.
	 * @param string           $code     Expected code.
	 * @param WP_REST_Response $response Response.
	 * @param string           $what     Case.
	 */
	protected function assertErrorCode( int $status, string $code, WP_REST_Response $response, string $what = '' ): void {
		$this->assertStatus( $status, $response, $what );
		$this->assertSame( $code, $this->data( $response )['code'] ?? null, $what );
	}
}
