<?php
/**
 * igny8/v1/settings (SettingsController): the publishing defaults of IGNY8 > Settings. Who may read and change
 * them, each field's validation (a refusal names the field and changes nothing), what is saved, and the nonce
 * over real HTTP. Also the Writer screen's publish form starting from them and the Settings menu page.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Tests;

use IGNY8\Publishing\Authorship;
use IGNY8\Publishing\Defaults;
use WP_REST_Request;
use WP_REST_Response;

/**
 * The settings route.
 */
final class SettingsRouteTest extends IntegrationTestCase {

	private const OPTIONS = array( Defaults::STATUS_OPTION, Defaults::CATEGORY_OPTION, Authorship::DEFAULT_AUTHOR_OPTION );

	/** @var array<string, mixed> */
	private array $saved = array();

	/** @var list<int> */
	private array $users = array();

	private int $category = 0;

	protected function setUp(): void {
		parent::setUp();
		foreach ( self::OPTIONS as $option ) {
			$this->saved[ $option ] = get_option( $option, null );
			delete_option( $option );
		}
		$term = wp_insert_term( 'IGNY8 settings test ' . bin2hex( random_bytes( 3 ) ), 'category' );
		$this->assertIsArray( $term );
		$this->category = (int) $term['term_id'];
	}

	protected function tearDown(): void {
		foreach ( $this->saved as $option => $value ) {
			if ( null === $value ) {
				delete_option( $option );
			} else {
				update_option( $option, $value, false );
			}
		}
		wp_delete_term( $this->category, 'category' );
		foreach ( $this->users as $id ) {
			wp_delete_user( $id );
		}
		parent::tearDown();
	}

	/**
	 * A user of a role, made for this test.
	 *
	 * @param string $role Role.
	 */
	private function make_user( string $role ): int {
		$login = 'igny8-settings-' . $role . '-' . bin2hex( random_bytes( 3 ) );
		$id    = wp_insert_user(
			array(
				'user_login'   => $login,
				'user_pass'    => wp_generate_password( 24 ),
				'user_email'   => $login . '@example.com',
				'display_name' => 'Settings ' . ucfirst( $role ),
				'role'         => $role,
			)
		);
		$this->assertIsInt( $id );
		$this->users[] = $id;
		return $id;
	}

	/**
	 * Dispatches GET or POST igny8/v1/settings.
	 *
	 * @param string                    $method Method.
	 * @param array<string, mixed>|null $body   JSON body.
	 */
	private function settings( string $method, ?array $body = null ): WP_REST_Response {
		$request = new WP_REST_Request( $method, '/igny8/v1/settings' );
		if ( null !== $body ) {
			$request->set_header( 'Content-Type', 'application/json' );
			$request->set_body( (string) wp_json_encode( $body ) );
		}
		return $this->dispatch( $request );
	}

	public function test_only_administrators_read_and_change_the_settings(): void {
		foreach ( array( 0, $this->user_id( 'editor' ), $this->user_id( 'author' ), $this->make_user( 'contributor' ) ) as $user ) {
			wp_set_current_user( $user );
			foreach ( array( 'GET', 'POST' ) as $method ) {
				$response = $this->settings( $method, 'POST' === $method ? array( 'defaultPostStatus' => 'draft' ) : null );
				$this->assertSame( 0 === $user ? 401 : 403, $response->get_status(), "user {$user} {$method}" );
				$this->assertSame( 'rest_forbidden', $this->data( $response )['code'] );
				$this->assertStringContainsString( 'Only administrators', $this->data( $response )['message'] );
			}
		}
		$this->assertFalse( get_option( Defaults::STATUS_OPTION ), 'a refusal saves nothing' );
	}

	public function test_an_administrator_reads_the_defaults_and_their_choices(): void {
		$editor = $this->make_user( 'editor' );
		$this->make_user( 'subscriber' );
		wp_set_current_user( $this->user_id( 'admin' ) );
		$response = $this->settings( 'GET' );
		$this->assertSame( 200, $response->get_status() );
		$this->assertSame( 'no-store', $response->get_headers()['Cache-Control'] ?? null );
		$data = $this->data( $response );
		$this->assertSame( 'publish', $data['defaultPostStatus'], 'publish unless changed' );
		$this->assertSame( 0, $data['defaultAuthor'] );
		$this->assertSame( 0, $data['defaultCategory'] );
		$this->assertSame( array( 'publish', 'draft' ), $data['choices']['postStatuses'], 'what the server accepts without a date' );
		$author_ids = array_column( $data['choices']['authors'], 'id' );
		$this->assertContains( $editor, $author_ids );
		$this->assertContains( $this->user_id( 'author' ), $author_ids );
		foreach ( $author_ids as $id ) {
			$this->assertTrue( user_can( $id, 'edit_posts' ), "user {$id} can edit posts" );
		}
		$this->assertContains(
			array(
				'id'   => $editor,
				'name' => 'Settings Editor',
			),
			$data['choices']['authors']
		);
		$this->assertContains( $this->category, array_column( $data['choices']['categories'], 'id' ) );
	}

	public function test_an_administrator_saves_the_defaults(): void {
		$editor = $this->make_user( 'editor' );
		wp_set_current_user( $this->user_id( 'admin' ) );
		$response = $this->settings(
			'POST',
			array(
				'defaultPostStatus' => 'draft',
				'defaultAuthor'     => $editor,
				'defaultCategory'   => $this->category,
			)
		);
		$this->assertSame( 200, $response->get_status(), (string) wp_json_encode( $this->data( $response ) ) );
		$data = $this->data( $response );
		$this->assertSame( array( 'draft', $editor, $this->category ), array( $data['defaultPostStatus'], $data['defaultAuthor'], $data['defaultCategory'] ) );
		$this->assertSame( 'draft', get_option( Defaults::STATUS_OPTION ) );
		$this->assertSame( $editor, (int) get_option( Authorship::DEFAULT_AUTHOR_OPTION ) );
		$this->assertSame( $this->category, (int) get_option( Defaults::CATEGORY_OPTION ) );
		$this->assertSame( $editor, Authorship::default_author_for( 'post' ), 'the publishing side uses the saved author' );

		// One field at a time leaves the others; 0 means the publishing user and no category.
		$data = $this->data( $this->settings( 'POST', array( 'defaultPostStatus' => 'publish' ) ) );
		$this->assertSame( array( 'publish', $editor, $this->category ), array( $data['defaultPostStatus'], $data['defaultAuthor'], $data['defaultCategory'] ) );
		$data = $this->data(
			$this->settings(
				'POST',
				array(
					'defaultAuthor'   => 0,
					'defaultCategory' => 0,
				)
			)
		);
		$this->assertSame( array( 0, 0 ), array( $data['defaultAuthor'], $data['defaultCategory'] ) );

		// A deleted category or user falls back to none.
		$this->settings( 'POST', array( 'defaultCategory' => $this->category ) );
		wp_delete_term( $this->category, 'category' );
		$this->assertSame( 0, $this->data( $this->settings( 'GET' ) )['defaultCategory'] );
	}

	public function test_each_field_is_validated_and_named(): void {
		$subscriber = $this->make_user( 'subscriber' );
		$tag        = wp_insert_term( 'igny8-settings-test-tag-' . bin2hex( random_bytes( 3 ) ), 'post_tag' );
		$this->assertIsArray( $tag );
		wp_set_current_user( $this->user_id( 'admin' ) );
		$cases = array(
			array( 'defaultPostStatus', 'pending', 'Default post status' ),
			array( 'defaultPostStatus', 'future', 'Default post status' ),
			array( 'defaultPostStatus', 7, 'Default post status' ),
			array( 'defaultAuthor', $subscriber, 'Default author' ),
			array( 'defaultAuthor', 987654321, 'Default author' ),
			array( 'defaultAuthor', -3, 'Default author' ),
			array( 'defaultAuthor', 'someone', 'Default author' ),
			array( 'defaultCategory', 987654321, 'Default category' ),
			array( 'defaultCategory', (int) $tag['term_id'], 'Default category' ),
			array( 'defaultCategory', array( 1 ), 'Default category' ),
		);
		try {
			foreach ( $cases as list( $field, $value, $label ) ) {
				$what     = $field . ' = ' . wp_json_encode( $value );
				$response = $this->settings(
					'POST',
					array(
						'defaultPostStatus' => 'draft',
						$field              => $value,
					)
				);
				$this->assertSame( 400, $response->get_status(), $what );
				$data = $this->data( $response );
				$this->assertSame( 'rest_invalid_param', $data['code'], $what );
				$this->assertSame( array( $field ), array_keys( $data['data']['params'] ), $what );
				$this->assertStringStartsWith( $label, $data['data']['params'][ $field ], $what );
				$this->assertFalse( get_option( Defaults::STATUS_OPTION ), "{$what}: nothing saved" );
			}
		} finally {
			wp_delete_term( (int) $tag['term_id'], 'post_tag' );
		}

		// The publishing user is the author without a default: it is no choice of its own.
		$publisher = $this->make_user( 'author' );
		$this->connect_test_site( array( 'publisher_user_id' => $publisher ) );
		$response = $this->settings( 'POST', array( 'defaultAuthor' => $publisher ) );
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( array( 'defaultAuthor' ), array_keys( $this->data( $response )['data']['params'] ) );
		$this->assertNotContains( $publisher, array_column( $this->data( $this->settings( 'GET' ) )['choices']['authors'], 'id' ) );
	}

	public function test_the_writer_screen_starts_its_publish_form_from_the_defaults(): void {
		$name = get_term( $this->category, 'category' )->name;
		update_option( Defaults::STATUS_OPTION, 'draft' );
		update_option( Defaults::CATEGORY_OPTION, $this->category );
		wp_set_current_user( $this->user_id( 'editor' ) );
		$state = ( new \ReflectionMethod( \IGNY8\Admin\WriterScreen::class, 'state' ) );
		$state->setAccessible( true );
		$this->assertSame(
			array(
				'status'   => 'draft',
				'category' => $name,
			),
			$state->invoke( new \IGNY8\Admin\WriterScreen() )['publish']
		);
		update_option( Defaults::STATUS_OPTION, 'pending' );
		update_option( Defaults::CATEGORY_OPTION, 987654321 );
		$this->assertSame(
			array(
				'status'   => 'publish',
				'category' => '',
			),
			$state->invoke( new \IGNY8\Admin\WriterScreen() )['publish'],
			'values no longer valid fall back to the defaults'
		);
	}

	public function test_the_settings_page_is_for_administrators(): void {
		$screen = new \IGNY8\Admin\SettingsScreen();
		$this->assertSame( 'manage_options', $screen->capability() );
		$this->assertSame( 'igny8-settings', $screen->slug() );
	}

	/**
	 * Over real HTTP with a real login cookie: without the wp_rest nonce the request is anonymous.
	 */
	public function test_the_rest_nonce_is_required(): void {
		$this->server->uninstall();
		list( $status, $data ) = $this->call_with_and_without_rest_nonce(
			$this->user_id( 'admin' ),
			'POST',
			'/igny8/v1/settings',
			'{"defaultPostStatus":"draft"}',
			function (): void {
				$this->assertFalse( get_option( Defaults::STATUS_OPTION ), 'nothing saved without the nonce' );
			}
		);
		$this->assertSame( 200, $status, 'cookie and nonce: ' . wp_json_encode( $data ) );
		$this->assertSame( 'draft', $data['defaultPostStatus'] );
	}
}
