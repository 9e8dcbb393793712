<?php
/**
 * What the connection needs installed: the nonce table and its daily purge; and what uninstalling removes.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Connection;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Activation, deactivation and uninstall steps of the connection.
 */
final class Installer {

	/**
	 * Hooks that must be in place on every request (the cron event's handler). Safe to call more than once.
	 */
	public static function register_hooks(): void {
		if ( false === has_action( NonceStore::PURGE_HOOK, array( self::class, 'purge_nonces' ) ) ) {
			add_action( NonceStore::PURGE_HOOK, array( self::class, 'purge_nonces' ) );
		}
	}

	/** Cron handler: deletes expired nonces. */
	public static function purge_nonces(): void {
		( new NonceStore() )->purge();
	}

	/** Creates the nonce table and schedules its daily purge. */
	public static function activate(): void {
		self::create_tables();
		if ( false === wp_next_scheduled( NonceStore::PURGE_HOOK ) ) {
			wp_schedule_event( time() + HOUR_IN_SECONDS, 'daily', NonceStore::PURGE_HOOK );
		}
	}

	/** Stops the purge; keeps the connection and its data (reactivating resumes it). */
	public static function deactivate(): void {
		wp_clear_scheduled_hook( NonceStore::PURGE_HOOK );
	}

	/**
	 * Removes everything the connection created: tells the server (best effort), drops the table, deletes the
	 * options, and deletes the publishing user. Its posts are NOT deleted (they are the site's published
	 * content): they are reassigned to the first administrator, and the user is kept when there is none.
	 *
	 * @param Publisher|null $publisher The publishing user (tests pass their own).
	 */
	public static function uninstall( ?Publisher $publisher = null ): void {
		global $wpdb;
		wp_clear_scheduled_hook( NonceStore::PURGE_HOOK );

		$keys = new KeyStore();
		if ( null !== $keys->connection() ) {
			( new ServerClient( $keys ) )->disconnect();
		}
		$keys->clear_all();

		$publisher = $publisher ?? new Publisher();
		$publisher->revoke();
		$user = $publisher->user();
		if ( null !== $user && '1' === (string) get_user_meta( (int) $user->ID, Publisher::MARKER_META, true ) ) {
			$admins = get_users(
				array(
					'role'    => 'administrator',
					'orderby' => 'ID',
					'order'   => 'ASC',
					'number'  => 1,
					'fields'  => 'ID',
				)
			);
			if ( ! empty( $admins ) ) {
				require_once ABSPATH . 'wp-admin/includes/user.php';
				wp_delete_user( (int) $user->ID, (int) $admins[0] );
			}
		}

		$wpdb->query( 'DROP TABLE IF EXISTS ' . NonceStore::table() ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared, WordPress.DB.DirectDatabaseQuery, WordPress.DB.DirectDatabaseQuery.SchemaChange
	}

	/**
	 * Creates or updates the nonce table. Binary ASCII columns: nonces are case-sensitive, and a
	 * case-insensitive collation would count two distinct nonces as one replayed.
	 */
	public static function create_tables(): void {
		global $wpdb;
		require_once ABSPATH . 'wp-admin/includes/upgrade.php';
		$table = NonceStore::table();
		dbDelta(
			"CREATE TABLE {$table} (
peer varchar(64) NOT NULL,
nonce varchar(64) NOT NULL,
expires_at bigint(20) unsigned NOT NULL,
PRIMARY KEY  (peer,nonce),
KEY expires_at (expires_at)
) DEFAULT CHARACTER SET ascii COLLATE ascii_bin;"
		);
	}
}
