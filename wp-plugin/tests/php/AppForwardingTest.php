<?php
/**
 * igny8/v1/app/<server path>: the browser's one door to the IGNY8 server (AppController). Capabilities per path
 * and method, the allowlist, the connected site only, and the forwarded request: signed with the site key, the
 * acting user's id and capability level folded into the signature, query and JSON body forwarded, the server's
 * status and envelope answered unchanged. The WordPress REST nonce is checked over real HTTP at the end.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Tests;

use IGNY8\Connection\Signature;
use IGNY8\Rest\AppController;
use WP_REST_Request;
use WP_REST_Response;

/**
 * The forwarding controller.
 */
final class AppForwardingTest extends IntegrationTestCase {

	/** @var array{site_id: string, server: array<string, string>, site: array<string, string>} */
	private array $connection;

	/** @var array<string, int> Users this test created, by role. */
	private array $extra_users = array();

	protected function setUp(): void {
		parent::setUp();
		$this->connection = $this->connect_test_site( array( 'server_url' => 'http://igny8-server.test:8080' ) );
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
			$this->extra_users[ $role ] = $id;
		}
	}

	protected function tearDown(): void {
		foreach ( $this->extra_users as $id ) {
			wp_delete_user( $id );
		}
		parent::tearDown();
	}

	/**
	 * Id of a user of a role: the harness's admin, editor and author, this test's subscriber and contributor.
	 *
	 * @param string $role Role.
	 */
	private function user_of( string $role ): int {
		return $this->extra_users[ $role ] ?? $this->user_id( $role );
	}

	/**
	 * A server that answers every path with the success envelope and records what it received.
	 *
	 * @param string $path Server path under /api/v1/.
	 * @param int    $status Status to answer.
	 */
	private function serve( string $path, int $status = 200 ): void {
		$this->server->on(
			'/api/v1/' . $path,
			static function ( array $request ) use ( $status ): array {
				return FakeServer::ok( array( 'echo' => $request['method'] ), $status );
			}
		);
	}

	/**
	 * Dispatches a browser request to igny8/v1/app/$path.
	 *
	 * @param string               $method Method.
	 * @param string               $path   Server path.
	 * @param array<string, mixed> $query  Query parameters.
	 * @param string|null          $body   Raw body.
	 * @param string               $type   Content type of the body.
	 */
	private function call( string $method, string $path, array $query = array(), ?string $body = null, string $type = 'application/json' ): WP_REST_Response {
		$request = new WP_REST_Request( $method, '/igny8/v1/app/' . $path );
		$request->set_query_params( $query );
		if ( null !== $body ) {
			$request->set_header( 'Content-Type', $type );
			$request->set_body( $body );
		}
		return $this->dispatch( $request );
	}

	/**
	 * Whether a recorded request is signed by the site key with the acting user folded into the canonical query.
	 *
	 * @param array<string, mixed> $request A FakeServer request.
	 */
	private function signed_with_actor( array $request ): bool {
		$h    = $request['headers'];
		$url  = $request['url'] . ( str_contains( $request['url'], '?' ) ? '&' : '?' )
			. 'x-igny8-wp-role=' . rawurlencode( (string) ( $h['x-igny8-wp-role'] ?? '' ) )
			. '&x-igny8-wp-user=' . rawurlencode( (string) ( $h['x-igny8-wp-user'] ?? '' ) );
		$text = Signature::canonical_string( $request['method'], $url, $request['body'], (string) $h['X-IGNY8-Site'], home_url(), (int) $h['X-IGNY8-Timestamp'], (string) $h['X-IGNY8-Nonce'] );
		return Signature::verify( $text, (string) $h['X-IGNY8-Signature'], $this->connection['site']['public'] );
	}

	public function test_capabilities_per_server_path_and_method(): void {
		foreach ( array( 'planner/keywords', 'planner/keywords/import', 'publisher/publications', 'sites/' . $this->connection['site_id'], 'jobs/0b7e3a52-8d1c-4f7e-9a43-5c2f1e8b9d60' ) as $path ) {
			$this->serve( $path );
		}
		$cases = array(
			// [method, path, capability needed].
			array( 'GET', 'planner/keywords', 'edit_posts' ),
			array( 'POST', 'planner/keywords/import', 'edit_posts' ),
			array( 'GET', 'jobs/0b7e3a52-8d1c-4f7e-9a43-5c2f1e8b9d60', 'edit_posts' ),
			array( 'GET', 'publisher/publications', 'edit_posts' ),
			array( 'POST', 'publisher/publications', 'publish_posts' ),
			array( 'GET', 'sites/current', 'manage_options' ),
		);
		$allowed = array(
			'subscriber'  => array(),
			'contributor' => array( 'edit_posts' ),
			'author'      => array( 'edit_posts', 'publish_posts' ),
			'editor'      => array( 'edit_posts', 'publish_posts' ),
			'admin'       => array( 'edit_posts', 'publish_posts', 'manage_options' ),
		);
		foreach ( $allowed as $role => $capabilities ) {
			wp_set_current_user( $this->user_of( $role ) );
			foreach ( $cases as list( $method, $path, $capability ) ) {
				$before   = count( $this->server->requests );
				$response = $this->call( $method, $path, array(), 'GET' === $method ? null : '{}' );
				$what     = "{$role} {$method} {$path}";
				if ( in_array( $capability, $capabilities, true ) ) {
					$this->assertSame( 200, $response->get_status(), $what . ': ' . wp_json_encode( $this->data( $response ) ) );
					$this->assertSame( array( 'echo' => $method ), $this->data( $response )['data'], $what );
				} else {
					$this->assertSame( 403, $response->get_status(), $what );
					$this->assertSame( 'rest_forbidden', $this->data( $response )['code'], $what );
					$this->assertCount( $before, $this->server->requests, "{$what}: a refusal reaches no network" );
				}
			}
		}

		wp_set_current_user( 0 );
		$this->assertSame( 401, $this->call( 'GET', 'planner/keywords' )->get_status(), 'a visitor' );
	}

	/**
	 * The Settings screen's paths (the site's language and voice, sectors, credits) and the Dashboard's job list:
	 * who may call which method.
	 */
	public function test_settings_credits_and_jobs_capabilities(): void {
		$site   = $this->connection['site_id'];
		$sector = 'sites/current/sectors/0b7e3a52-8d1c-4f7e-9a43-5c2f1e8b9d60';
		foreach ( array( "sites/{$site}", "sites/{$site}/sectors", "sites/{$site}/sectors/0b7e3a52-8d1c-4f7e-9a43-5c2f1e8b9d60", 'billing/balance', 'billing/usage', 'billing/transactions', 'jobs' ) as $path ) {
			$this->serve( $path );
		}
		$cases = array(
			// [method, path, capability needed].
			array( 'GET', 'sites/current', 'manage_options' ),
			array( 'PATCH', 'sites/current', 'manage_options' ),
			array( 'GET', 'sites/current/sectors', 'edit_posts' ),
			array( 'POST', 'sites/current/sectors', 'manage_options' ),
			array( 'GET', $sector, 'edit_posts' ),
			array( 'PATCH', $sector, 'manage_options' ),
			array( 'DELETE', $sector, 'manage_options' ),
			array( 'GET', 'billing/balance', 'manage_options' ),
			array( 'GET', 'billing/usage', 'manage_options' ),
			array( 'GET', 'billing/transactions', 'manage_options' ),
			array( 'GET', 'jobs', 'edit_posts' ),
		);
		$allowed = array(
			'subscriber'  => array(),
			'contributor' => array( 'edit_posts' ),
			'author'      => array( 'edit_posts' ),
			'editor'      => array( 'edit_posts' ),
			'admin'       => array( 'edit_posts', 'manage_options' ),
		);
		foreach ( $allowed as $role => $capabilities ) {
			wp_set_current_user( $this->user_of( $role ) );
			foreach ( $cases as list( $method, $path, $capability ) ) {
				$before   = count( $this->server->requests );
				$response = $this->call( $method, $path, array(), in_array( $method, array( 'GET', 'DELETE' ), true ) ? null : '{"language":"pt-BR"}' );
				$what     = "{$role} {$method} {$path}";
				if ( in_array( $capability, $capabilities, true ) ) {
					$this->assertSame( 200, $response->get_status(), $what . ': ' . wp_json_encode( $this->data( $response ) ) );
					$this->assertSame( array( 'echo' => $method ), $this->data( $response )['data'], $what );
					$this->assertSame( $method, $this->server->requests[ $before ]['method'], $what );
				} else {
					$this->assertSame( 403, $response->get_status(), $what );
					$this->assertSame( 'rest_forbidden', $this->data( $response )['code'], $what );
					$this->assertCount( $before, $this->server->requests, "{$what}: a refusal reaches no network" );
				}
			}
		}

		// The site's path carries the connected id; the query and body go through unchanged.
		wp_set_current_user( $this->user_of( 'admin' ) );
		$before = count( $this->server->requests );
		$this->call( 'PATCH', 'sites/current', array(), '{"language":"pt-BR","voice":"friendly"}' );
		$this->assertSame( '/api/v1/sites/' . $site, $this->server->requests[ $before ]['path'] );
		$this->assertSame( '{"language":"pt-BR","voice":"friendly"}', $this->server->requests[ $before ]['body'] );
		$this->call( 'GET', 'jobs', array( 'limit' => '10' ) );
		$this->assertStringEndsWith( '/api/v1/jobs?limit=10', $this->server->requests[ $before + 1 ]['url'] );
		$this->call( 'GET', 'billing/usage', array( 'groupBy' => 'day' ) );
		$this->assertStringEndsWith( '/api/v1/billing/usage?groupBy=day', $this->server->requests[ $before + 2 ]['url'] );
		$this->assertTrue( $this->signed_with_actor( $this->server->requests[ $before + 2 ] ) );

		// Another site's settings stay out of reach.
		$response = $this->call( 'PATCH', 'sites/0b7e3a52-8d1c-4f7e-9a43-5c2f1e8b9d60', array(), '{"voice":"x"}' );
		$this->assertSame( 404, $response->get_status() );
		$this->assertSame( 'igny8_not_found', $this->data( $response )['code'] );
		$this->assertCount( $before + 3, $this->server->requests );
	}

	public function test_paths_off_the_allowlist_answer_404_without_reaching_the_server(): void {
		wp_set_current_user( $this->user_id( 'admin' ) );
		$cases = array(
			array( 'GET', 'members' ),
			array( 'POST', 'api-keys' ),
			array( 'GET', 'auth/me' ),
			array( 'GET', 'sites' ),
			array( 'POST', 'jobs' ),
			array( 'POST', 'sites/current' ),
			array( 'PUT', 'sites/current' ),
			array( 'DELETE', 'sites/current' ),
			array( 'PATCH', 'sites/current/connection' ),
			array( 'DELETE', 'sites/current/sectors' ),
			array( 'PUT', 'sites/current/sectors/0b7e3a52-8d1c-4f7e-9a43-5c2f1e8b9d60' ),
			array( 'POST', 'billing/balance' ),
			array( 'GET', 'billing/grants' ),
			array( 'GET', 'billing/usage/export' ),
			array( 'POST', 'billing/transactions' ),
			array( 'GET', 'planner/keywords/export.csv' ),
			array( 'GET', 'writer/images/0b7e3a52-8d1c-4f7e-9a43-5c2f1e8b9d60/file' ),
			array( 'GET', 'planner/../members' ),
			array( 'GET', 'planner/./keywords' ),
			array( 'GET', 'jobs/not-an-id' ),
			array( 'POST', 'connect/heartbeat' ),
		);
		foreach ( $cases as list( $method, $path ) ) {
			$response = $this->call( $method, $path, array(), 'GET' === $method ? null : '{}' );
			$this->assertSame( 404, $response->get_status(), "{$method} {$path}" );
			$this->assertContains( $this->data( $response )['code'], array( 'igny8_unknown_route', 'rest_no_route' ), "{$method} {$path}" );
		}
		$this->assertCount( 0, $this->server->requests );
	}

	public function test_the_forwarded_request_is_signed_for_the_user_and_answered_unchanged(): void {
		$editor  = $this->user_id( 'editor' );
		$site_id = $this->connection['site_id'];
		$this->server->on(
			'/api/v1/planner/keywords',
			static function (): array {
				return FakeServer::ok(
					array(
						'items'      => array( array( 'keyword' => 'trail shoes' ) ),
						'nextCursor' => null,
					)
				);
			}
		);
		$this->server->on(
			'/api/v1/planner/keywords/import',
			static function (): array {
				return FakeServer::error( 422, 'VALIDATION_FAILED', 'Some fields are invalid: text is empty: paste at least one keyword.' );
			}
		);
		wp_set_current_user( $editor );

		$response = $this->call(
			'GET',
			'planner/keywords',
			array(
				'siteId'     => 'current',
				'sort'       => 'volume desc',
				'status'     => array( 'new', 'mapped' ),
				'_locale'    => 'user',
				'rest_route' => '/igny8/v1/app/planner/keywords',
			)
		);
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( array( 'trail shoes' ), array_column( $this->data( $response )['data']['items'], 'keyword' ) );
		$this->assertSame( 'no-store', $response->get_headers()['Cache-Control'] ?? null );
		$sent = $this->server->requests[0];
		$this->assertSame( 'GET', $sent['method'] );
		$this->assertSame( "http://igny8-server.test:8080/api/v1/planner/keywords?siteId={$site_id}&sort=volume%20desc&status=new&status=mapped", $sent['url'] );
		$this->assertSame( (string) $editor, $sent['headers']['x-igny8-wp-user'] );
		$this->assertSame( 'editor', $sent['headers']['x-igny8-wp-role'] );
		$this->assertSame( $site_id, $sent['headers']['X-IGNY8-Site'] );
		$this->assertTrue( $this->signed_with_actor( $sent ), 'signed with the site key, the actor included' );
		$this->assertFalse( FakeServer::is_signed_by( $sent, $this->connection['site']['public'] ), 'the actor is part of what is signed' );
		$forged                                = $sent;
		$forged['headers']['x-igny8-wp-role'] = 'admin';
		$this->assertFalse( $this->signed_with_actor( $forged ), 'another role does not verify' );

		// JSON bodies are forwarded (siteId "current" filled in); the server's refusal comes back as it was.
		wp_set_current_user( $this->user_id( 'author' ) );
		$response = $this->call( 'POST', 'planner/keywords/import', array(), '{"siteId":"current","sectorId":"0b7e3a52-8d1c-4f7e-9a43-5c2f1e8b9d60","text":""}' );
		$this->assertSame( 422, $response->get_status() );
		$this->assertSame(
			array(
				'success'   => false,
				'error'     => 'Some fields are invalid: text is empty: paste at least one keyword.',
				'code'      => 'VALIDATION_FAILED',
				'requestId' => 'req-test-1',
			),
			$this->data( $response )
		);
		$sent = $this->server->requests[1];
		$this->assertSame( "{\"siteId\":\"{$site_id}\",\"sectorId\":\"0b7e3a52-8d1c-4f7e-9a43-5c2f1e8b9d60\",\"text\":\"\"}", $sent['body'] );
		$this->assertSame( 'application/json', $sent['headers']['Content-Type'] );
		$this->assertSame( 'author', $sent['headers']['x-igny8-wp-role'] );
		$this->assertTrue( $this->signed_with_actor( $sent ) );

		// A body without "current" is forwarded byte for byte.
		$this->call( 'POST', 'planner/keywords/import', array(), '{"text":"a\\u00e9","siteId":"' . strtoupper( $site_id ) . '"}' );
		$this->assertSame( '{"text":"a\\u00e9","siteId":"' . strtoupper( $site_id ) . '"}', $this->server->requests[2]['body'] );
	}

	public function test_the_idempotency_key_reaches_the_server_and_a_malformed_one_is_refused(): void {
		$this->server->on(
			'/api/v1/writer/blocks/rewrite',
			static function (): array {
				return FakeServer::ok( array( 'jobId' => 'job-1' ), 202 );
			}
		);
		wp_set_current_user( $this->user_id( 'editor' ) );
		$request = new WP_REST_Request( 'POST', '/igny8/v1/app/writer/blocks/rewrite' );
		$request->set_header( 'Content-Type', 'application/json' );
		$request->set_header( 'Idempotency-Key', 'block-3f2a9c-run-1' );
		$request->set_body( '{"siteId":"current"}' );
		$this->assertSame( 202, $this->dispatch( $request )->get_status() );
		$this->assertSame( 'block-3f2a9c-run-1', $this->server->requests[0]['headers']['Idempotency-Key'] ?? null );
		$this->assertTrue( $this->signed_with_actor( $this->server->requests[0] ) );

		// Without one, none is sent; a malformed one never reaches the server.
		$this->call( 'POST', 'writer/blocks/rewrite', array(), '{"siteId":"current"}' );
		$this->assertArrayNotHasKey( 'Idempotency-Key', $this->server->requests[1]['headers'] );
		$request->set_header( 'Idempotency-Key', 'bad key!' );
		$response = $this->dispatch( $request );
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'igny8_invalid_idempotency_key', $this->data( $response )['code'] );
		$this->assertCount( 2, $this->server->requests );
	}

	public function test_only_the_connected_site_is_reachable(): void {
		wp_set_current_user( $this->user_id( 'admin' ) );
		$other = '0b7e3a52-8d1c-4f7e-9a43-5c2f1e8b9d60';
		$cases = array(
			array( 'GET', 'planner/keywords', array( 'siteId' => $other ), null ),
			array( 'GET', 'planner/keywords', array( 'siteId' => array( 'current', $other ) ), null ),
			array( 'GET', "sites/{$other}/sectors", array(), null ),
			array( 'POST', 'planner/keywords/import', array(), '{"siteId":"' . $other . '","sectorId":"x","text":"a"}' ),
			array( 'POST', 'planner/keywords/import', array(), '{"siteId":7}' ),
		);
		foreach ( $cases as list( $method, $path, $query, $body ) ) {
			$response = $this->call( $method, $path, $query, $body );
			$this->assertSame( 404, $response->get_status(), "{$method} {$path}" );
			$this->assertSame( 'igny8_not_found', $this->data( $response )['code'] );
		}
		$this->assertCount( 0, $this->server->requests );
	}

	public function test_refusals_in_the_products_words(): void {
		wp_set_current_user( $this->user_id( 'editor' ) );

		$response = $this->call( 'POST', 'planner/keywords/import', array(), "--x\r\n", 'multipart/form-data; boundary=x' );
		$this->assertSame( 415, $response->get_status() );
		$this->assertSame( 'igny8_unsupported_body', $this->data( $response )['code'] );

		$response = $this->call( 'POST', 'planner/keywords/import', array(), '{not json' );
		$this->assertSame( 400, $response->get_status() );

		// Unreachable, or an answer that is not ours: never the server's address.
		$response = $this->call( 'GET', 'planner/keywords' );
		$this->assertSame( 502, $response->get_status() );
		$this->assertSame( 'igny8_server_unreachable', $this->data( $response )['code'] );
		$this->server->on(
			'/api/v1/planner/clusters',
			static function (): array {
				return array( 502, '<html>Bad gateway from http://igny8-server.test:8080</html>' );
			}
		);
		$response = $this->call( 'GET', 'planner/clusters' );
		$this->assertSame( 502, $response->get_status() );
		$this->assertSame( 'igny8_server_unexpected_answer', $this->data( $response )['code'] );
		$this->assertStringNotContainsString( 'igny8-server.test', (string) wp_json_encode( $this->data( $response ) ) );

		delete_option( \IGNY8\Connection\KeyStore::CONNECTION_OPTION );
		$response = $this->call( 'GET', 'planner/keywords' );
		$this->assertSame( 409, $response->get_status() );
		$this->assertSame( 'igny8_not_connected', $this->data( $response )['code'] );
	}

	public function test_capability_levels(): void {
		$levels = array();
		foreach ( array( 'subscriber', 'contributor', 'author', 'editor', 'admin' ) as $role ) {
			$levels[ $role ] = AppController::level_of( get_userdata( $this->user_of( $role ) ) );
		}
		$this->assertSame(
			array(
				'subscriber'  => 'subscriber',
				'contributor' => 'contributor',
				'author'      => 'author',
				'editor'      => 'editor',
				'admin'       => 'admin',
			),
			$levels
		);
	}

	/**
	 * Over real HTTP with a real login cookie: WordPress's cookie authentication needs the wp_rest nonce, without
	 * which the request is anonymous. (The forwarded request fails to reach the test's server address: a 502
	 * shows the request got past authentication.)
	 */
	public function test_the_rest_nonce_is_required(): void {
		$this->server->uninstall();
		$this->connect_test_site( array( 'server_url' => 'http://127.0.0.1:9' ) );
		list( $status, $data ) = $this->call_with_and_without_rest_nonce( $this->user_id( 'editor' ), 'GET', '/igny8/v1/app/planner/keywords&siteId=current' );
		$this->assertSame( 502, $status, 'cookie and nonce: ' . wp_json_encode( $data ) );
		$this->assertSame( 'igny8_server_unreachable', $data['code'] );
		$this->assertStringNotContainsString( '127.0.0.1:9', (string) wp_json_encode( $data ) );
	}
}
