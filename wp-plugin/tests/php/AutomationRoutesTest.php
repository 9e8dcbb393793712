<?php
/**
 * The automation paths of igny8/v1/app (AppController's allowlist), as IGNY8 > Automation calls them: who may
 * read the settings, runs and review queue, and who may change the settings, start, pause, resume or cancel a run
 * and publish from the review queue. Paths that are not the screen's answer 404 without reaching the server.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Tests;

use WP_REST_Request;
use WP_REST_Response;

/**
 * Automation through the forwarding controller.
 */
final class AutomationRoutesTest extends IntegrationTestCase {

	private const RUN = '0b7e3a52-8d1c-4f7e-9a43-5c2f1e8b9d60';

	/** @var array{site_id: string, server: array<string, string>, site: array<string, string>} */
	private array $connection;

	/** @var int This test's contributor. */
	private int $contributor = 0;

	protected function setUp(): void {
		parent::setUp();
		$this->connection = $this->connect_test_site( array( 'server_url' => 'http://igny8-server.test:8080' ) );
		$login            = 'igny8-test-contributor-' . bin2hex( random_bytes( 3 ) );
		$id               = wp_insert_user(
			array(
				'user_login' => $login,
				'user_pass'  => wp_generate_password( 24 ),
				'user_email' => $login . '@example.com',
				'role'       => 'contributor',
			)
		);
		$this->assertIsInt( $id );
		$this->contributor = $id;
	}

	protected function tearDown(): void {
		wp_delete_user( $this->contributor );
		parent::tearDown();
	}

	/**
	 * Dispatches a browser request to igny8/v1/app/$path with a JSON body for writes.
	 *
	 * @param string $method Method.
	 * @param string $path   Server path.
	 */
	private function call( string $method, string $path ): WP_REST_Response {
		$request = new WP_REST_Request( $method, '/igny8/v1/app/' . $path );
		if ( 'GET' !== $method ) {
			$request->set_header( 'Content-Type', 'application/json' );
			$request->set_body( 'POST' === $method && str_ends_with( $path, '/publish' ) ? '{"contentIds":["' . self::RUN . '"]}' : '{}' );
		}
		return $this->dispatch( $request );
	}

	public function test_reading_is_for_editors_of_posts_and_acting_for_administrators(): void {
		$site = $this->connection['site_id'];
		foreach ( array( "sites/{$site}/automation", "sites/{$site}/automation/runs", "sites/{$site}/automation/review", "sites/{$site}/automation/review/publish", 'automation/runs/' . self::RUN, 'automation/runs/' . self::RUN . '/pause', 'automation/runs/' . self::RUN . '/resume', 'automation/runs/' . self::RUN . '/cancel' ) as $path ) {
			$this->server->on(
				'/api/v1/' . $path,
				static function ( array $request ): array {
					return FakeServer::ok( array( 'echo' => $request['method'] ) );
				}
			);
		}
		$cases = array(
			// [method, path, capability needed].
			array( 'GET', 'sites/current/automation', 'edit_posts' ),
			array( 'PUT', 'sites/current/automation', 'manage_options' ),
			array( 'GET', 'sites/current/automation/runs', 'edit_posts' ),
			array( 'POST', 'sites/current/automation/runs', 'manage_options' ),
			array( 'GET', 'sites/current/automation/review', 'edit_posts' ),
			array( 'POST', 'sites/current/automation/review/publish', 'manage_options' ),
			array( 'GET', 'automation/runs/' . self::RUN, 'edit_posts' ),
			array( 'POST', 'automation/runs/' . self::RUN . '/pause', 'manage_options' ),
			array( 'POST', 'automation/runs/' . self::RUN . '/resume', 'manage_options' ),
			array( 'POST', 'automation/runs/' . self::RUN . '/cancel', 'manage_options' ),
		);
		$allowed = array(
			'contributor' => array( 'edit_posts' ),
			'author'      => array( 'edit_posts' ),
			'editor'      => array( 'edit_posts' ),
			'admin'       => array( 'edit_posts', 'manage_options' ),
		);
		foreach ( $allowed as $role => $capabilities ) {
			wp_set_current_user( 'contributor' === $role ? $this->contributor : $this->user_id( $role ) );
			foreach ( $cases as list( $method, $path, $capability ) ) {
				$before   = count( $this->server->requests );
				$response = $this->call( $method, $path );
				$what     = "{$role} {$method} {$path}";
				if ( in_array( $capability, $capabilities, true ) ) {
					$this->assertSame( 200, $response->get_status(), $what . ': ' . wp_json_encode( $this->data( $response ) ) );
					$this->assertSame( array( 'echo' => $method ), $this->data( $response )['data'], $what );
					$this->assertSame( '/api/v1/' . str_replace( 'current', $site, $path ), $this->server->requests[ $before ]['path'], $what );
				} else {
					$this->assertSame( 403, $response->get_status(), $what );
					$this->assertSame( 'rest_forbidden', $this->data( $response )['code'], $what );
					$this->assertCount( $before, $this->server->requests, "{$what}: a refusal reaches no network" );
				}
			}
		}
	}

	public function test_other_automation_paths_answer_404_without_reaching_the_server(): void {
		wp_set_current_user( $this->user_id( 'admin' ) );
		$cases = array(
			// The account-wide run list belongs to the web app, not to one site's screen.
			array( 'GET', 'automation/runs' ),
			array( 'DELETE', 'sites/current/automation' ),
			array( 'PATCH', 'sites/current/automation' ),
			array( 'DELETE', 'automation/runs/' . self::RUN ),
			array( 'GET', 'automation/runs/' . self::RUN . '/pause' ),
			array( 'POST', 'automation/runs/not-an-id/cancel' ),
			array( 'POST', 'automation/runs/' . self::RUN . '/restart' ),
			array( 'GET', 'sites/current/automation/review/publish' ),
			array( 'POST', 'sites/current/automation/review' ),
		);
		foreach ( $cases as list( $method, $path ) ) {
			$response = $this->call( $method, $path );
			$this->assertSame( 404, $response->get_status(), "{$method} {$path}" );
			$this->assertSame( 'igny8_unknown_route', $this->data( $response )['code'], "{$method} {$path}" );
		}
		$this->assertCount( 0, $this->server->requests );

		// Another site's automation stays out of reach.
		$response = $this->call( 'GET', 'sites/' . self::RUN . '/automation' );
		$this->assertSame( 404, $response->get_status() );
		$this->assertSame( 'igny8_not_found', $this->data( $response )['code'] );
		$this->assertCount( 0, $this->server->requests );
	}
}
