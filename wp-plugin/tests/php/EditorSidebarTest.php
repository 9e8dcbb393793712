<?php
/**
 * The block editor's IGNY8 sidebar: enqueued in the post editor of posts and pages only, for users who may edit
 * posts, and told whether the site is connected (and where to connect it, for those who may).
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Tests;

use IGNY8\Admin\Assets;
use IGNY8\Admin\EditorSidebar;
use WP_Screen;

/**
 * EditorSidebar.
 */
final class EditorSidebarTest extends IntegrationTestCase {

	/** @var mixed The screen before the test. */
	private $saved_screen;

	protected function setUp(): void {
		parent::setUp();
		require_once ABSPATH . 'wp-admin/includes/class-wp-screen.php';
		require_once ABSPATH . 'wp-admin/includes/screen.php';
		$this->saved_screen = $GLOBALS['current_screen'] ?? null;
	}

	protected function tearDown(): void {
		$GLOBALS['current_screen'] = $this->saved_screen;
		$handle                    = Assets::handle( EditorSidebar::ENTRY );
		wp_dequeue_script( $handle );
		wp_deregister_script( $handle );
		parent::tearDown();
	}

	public function test_it_applies_to_the_post_editor_of_posts_and_pages_for_users_who_edit_posts(): void {
		wp_set_current_user( $this->user_id( 'editor' ) );
		$this->assertTrue( EditorSidebar::applies_to( WP_Screen::get( 'post' ) ), 'post editor' );
		$this->assertTrue( EditorSidebar::applies_to( WP_Screen::get( 'page' ) ), 'page editor' );
		$this->assertFalse( EditorSidebar::applies_to( WP_Screen::get( 'edit-post' ) ), 'the posts list' );
		$this->assertFalse( EditorSidebar::applies_to( WP_Screen::get( 'site-editor' ) ), 'the site editor' );
		$this->assertFalse( EditorSidebar::applies_to( WP_Screen::get( 'widgets' ) ), 'the widgets editor' );
		$this->assertFalse( EditorSidebar::applies_to( null ), 'no screen' );

		wp_set_current_user( $this->user_id( 'author' ) );
		$this->assertTrue( EditorSidebar::applies_to( WP_Screen::get( 'post' ) ), 'an author edits posts' );
		wp_set_current_user( 0 );
		$this->assertFalse( EditorSidebar::applies_to( WP_Screen::get( 'post' ) ), 'nobody logged in' );
	}

	public function test_the_settings_say_whether_the_site_is_connected_who_may_connect_it_and_the_balance(): void {
		wp_set_current_user( $this->user_id( 'editor' ) );
		$this->assertSame(
			array(
				'connected'     => false,
				'connectionUrl' => null,
				'credits'       => null,
				'canUpload'     => true,
			),
			EditorSidebar::settings()
		);
		// The balance the server last reported to the site (connect_test_site: 500, checked just now: no heartbeat).
		$this->connect_test_site();
		$this->assertSame(
			array(
				'connected'     => true,
				'connectionUrl' => null,
				'credits'       => 500,
				'canUpload'     => true,
			),
			EditorSidebar::settings()
		);
		$this->assertCount( 0, $this->server->requests, 'a fresh balance needs no heartbeat' );
		wp_set_current_user( $this->user_id( 'admin' ) );
		$this->assertSame( admin_url( 'admin.php?page=igny8-connection' ), EditorSidebar::settings()['connectionUrl'] );
		$this->assertStringNotContainsString( 'key', strtolower( (string) wp_json_encode( EditorSidebar::settings() ) ), 'no key reaches the page' );

		$login = 'igny8-test-contributor-' . bin2hex( random_bytes( 3 ) );
		$id    = wp_insert_user(
			array(
				'user_login' => $login,
				'user_pass'  => wp_generate_password( 24 ),
				'user_email' => $login . '@example.com',
				'role'       => 'contributor',
			)
		);
		$this->assertIsInt( $id );
		try {
			wp_set_current_user( $id );
			$this->assertFalse( EditorSidebar::settings()['canUpload'], 'a contributor cannot upload files' );
		} finally {
			wp_delete_user( $id );
		}
	}

	public function test_it_enqueues_the_sidebar_script_in_the_post_editor_only(): void {
		$handle = Assets::handle( EditorSidebar::ENTRY );
		wp_set_current_user( $this->user_id( 'editor' ) );

		$GLOBALS['current_screen'] = WP_Screen::get( 'edit-post' );
		( new EditorSidebar() )->enqueue();
		$this->assertFalse( wp_script_is( $handle, 'enqueued' ), 'not on the posts list' );

		$GLOBALS['current_screen'] = WP_Screen::get( 'post' );
		( new EditorSidebar() )->enqueue();
		// Without `npm run build` there is no script to enqueue (Assets::enqueue_entry answers false).
		$built = is_readable( IGNY8_PLUGIN_DIR . 'build/' . EditorSidebar::ENTRY . '.asset.php' );
		$this->assertSame( $built, wp_script_is( $handle, 'enqueued' ), 'in the post editor when built' );
		if ( $built ) {
			$before = implode( "\n", (array) wp_scripts()->get_data( $handle, 'before' ) );
			$this->assertStringContainsString( 'window.igny8Editor = {"connected":false,"connectionUrl":null,"credits":null,"canUpload":true};', $before );
			$this->assertStringContainsString( 'window.igny8Settings = ', $before );
			$asset = require IGNY8_PLUGIN_DIR . 'build/' . EditorSidebar::ENTRY . '.asset.php';
			$this->assertContains( 'wp-edit-post', $asset['dependencies'] );
			$this->assertContains( 'wp-plugins', $asset['dependencies'] );
			$this->assertNotContains( 'react-jsx-runtime', $asset['dependencies'] );
		}
	}
}
