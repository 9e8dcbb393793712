<?php
/**
 * Installation, the nonce table and its purge, and uninstalling.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Tests;

use IGNY8\Connection\Installer;
use IGNY8\Connection\KeyStore;
use IGNY8\Connection\NonceStore;

/**
 * IGNY8\Connection\Installer and NonceStore.
 */
final class InstallerTest extends IntegrationTestCase {

	protected function tearDown(): void {
		Installer::activate(); // Whatever a test removed, the harness keeps an installed plugin.
		parent::tearDown();
	}

	public function test_activation_creates_the_nonce_table_and_schedules_its_purge(): void {
		global $wpdb;
		Installer::activate();
		$this->assertSame( NonceStore::table(), $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', NonceStore::table() ) ) );
		$this->assertIsInt( wp_next_scheduled( NonceStore::PURGE_HOOK ) );
		$collation = $wpdb->get_row( 'SHOW FULL COLUMNS FROM ' . NonceStore::table() . " WHERE Field = 'nonce'", ARRAY_A );
		$this->assertSame( 'ascii_bin', $collation['Collation'], 'nonces compare case-sensitively' );

		Installer::activate();
		$this->assertCount( 1, array_filter( _get_cron_array(), static fn( $hooks ) => isset( $hooks[ NonceStore::PURGE_HOOK ] ) ), 'activating twice schedules once' );

		Installer::deactivate();
		$this->assertFalse( wp_next_scheduled( NonceStore::PURGE_HOOK ) );
		$this->assertSame( NonceStore::table(), $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', NonceStore::table() ) ), 'deactivation keeps data' );
	}

	public function test_the_cron_event_purges_expired_nonces_only(): void {
		global $wpdb;
		$peer = wp_generate_uuid4();
		$this->forget_nonces_of( $peer );
		$store = new NonceStore();
		$this->assertTrue( $store->consume( $peer, 'fresh-nonce-0123456789' ) );
		$this->assertTrue( $store->consume( $peer, 'expired-nonce-0123456789', -1 ) );
		$this->assertFalse( $store->consume( $peer, 'fresh-nonce-0123456789' ) );

		Installer::register_hooks();
		do_action( NonceStore::PURGE_HOOK );
		$left = $wpdb->get_col( $wpdb->prepare( 'SELECT nonce FROM ' . NonceStore::table() . ' WHERE peer = %s', $peer ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		$this->assertSame( array( 'fresh-nonce-0123456789' ), $left );
	}

	public function test_a_missing_table_is_recreated_on_first_use(): void {
		global $wpdb;
		$wpdb->query( 'DROP TABLE ' . NonceStore::table() ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		$peer = wp_generate_uuid4();
		$this->forget_nonces_of( $peer );
		$this->assertTrue( ( new NonceStore() )->consume( $peer, 'after-drop-0123456789' ) );
	}

	public function test_uninstall_removes_everything_but_keeps_published_posts(): void {
		global $wpdb;
		$publisher = $this->test_publisher();
		$connection = $this->connect_test_site();
		( new KeyStore() )->save_pending( 'secret-one-0123456789abcdef0123456789', 'secret-two', 1 );
		list( , , $user_id ) = $publisher->ensure_user();
		$post_id = wp_insert_post(
			array(
				'post_title'  => 'Published by IGNY8',
				'post_status' => 'publish',
				'post_author' => $user_id,
			)
		);
		$told    = false;
		$this->server->on(
			'/api/v1/connect/disconnect',
			function ( array $request ) use ( $connection, &$told ): array {
				$this->assertTrue( FakeServer::is_signed_by( $request, $connection['site']['public'] ) );
				$told = true;
				return FakeServer::ok( array() );
			}
		);

		Installer::uninstall( $publisher );

		$this->assertTrue( $told, 'the server is told (best effort)' );
		$this->assertNull( $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', NonceStore::table() ) ) );
		foreach ( array( KeyStore::CONNECTION_OPTION, KeyStore::PRIVATE_KEY_OPTION, KeyStore::PENDING_OPTION ) as $option ) {
			$this->assertFalse( get_option( $option ), $option );
		}
		$this->assertFalse( get_userdata( $user_id ), 'the publishing user is deleted' );
		$post = get_post( $post_id );
		$this->assertNotNull( $post, 'its posts are kept' );
		$this->assertSame( 'publish', $post->post_status );
		$first_admin = get_users(
			array(
				'role'    => 'administrator',
				'orderby' => 'ID',
				'order'   => 'ASC',
				'number'  => 1,
				'fields'  => 'ID',
			)
		);
		$this->assertSame( (int) $first_admin[0], (int) $post->post_author, 'reassigned to the first administrator' );
		wp_delete_post( $post_id, true );
	}
}
