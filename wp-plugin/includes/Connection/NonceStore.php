<?php
/**
 * Nonces of signed requests already received, so none is accepted twice.
 *
 * A table rather than options or transients: the primary key (peer, nonce) makes "insert if new" a single
 * atomic statement, so two copies of one request racing through two PHP workers cannot both be accepted.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Connection;

use WP_Error;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Consumes nonces (once each) and purges expired ones.
 */
final class NonceStore {

	/** Cron hook that purges expired nonces daily (scheduled by Installer::activate()). */
	public const PURGE_HOOK = 'igny8_purge_nonces';

	/** Table name with the site's prefix. */
	public static function table(): string {
		global $wpdb;
		return $wpdb->prefix . 'igny8_nonces';
	}

	/**
	 * Records a nonce; false when it was already recorded for that peer (a replay).
	 *
	 * @param string $peer  Who sent it (the site id of the connection).
	 * @param string $nonce The request's nonce.
	 * @param int    $ttl   Seconds to remember it; at least twice the timestamp window.
	 * @return bool|WP_Error WP_Error when the table cannot be written (nothing is accepted then).
	 */
	public function consume( string $peer, string $nonce, int $ttl = Signature::NONCE_TTL_SECONDS ) {
		$inserted = $this->insert( $peer, $nonce, time() + $ttl );
		if ( false === $inserted ) {
			// The table may be missing when the plugin was updated in place without reactivation: create it once.
			Installer::create_tables();
			$inserted = $this->insert( $peer, $nonce, time() + $ttl );
		}
		if ( false === $inserted ) {
			return new WP_Error(
				'igny8_nonce_store_unavailable',
				__( 'IGNY8 cannot record request nonces in the database, so it refuses signed requests. Deactivate and reactivate the IGNY8 plugin to recreate its table.', 'igny8' ),
				array( 'status' => 503 )
			);
		}
		if ( 0 === random_int( 0, 99 ) ) {
			// Also purged by the daily cron event; this keeps the table small even where WP-Cron never runs.
			$this->purge();
		}
		return 1 === $inserted;
	}

	/** Deletes expired nonces; returns how many. */
	public function purge(): int {
		global $wpdb;
		$table   = self::table();
		$deleted = $wpdb->query( $wpdb->prepare( "DELETE FROM {$table} WHERE expires_at < %d", time() ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.DirectDatabaseQuery
		return is_int( $deleted ) ? $deleted : 0;
	}

	/**
	 * INSERT IGNORE: 1 row affected when new, 0 when the primary key already holds it, false on a database error.
	 *
	 * @param string $peer       Peer id.
	 * @param string $nonce      Nonce.
	 * @param int    $expires_at Unix seconds.
	 * @return int|false
	 */
	private function insert( string $peer, string $nonce, int $expires_at ) {
		global $wpdb;
		$table         = self::table();
		$suppress      = $wpdb->suppress_errors( true );
		$affected      = $wpdb->query( $wpdb->prepare( "INSERT IGNORE INTO {$table} (peer, nonce, expires_at) VALUES (%s, %s, %d)", $peer, $nonce, $expires_at ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.DirectDatabaseQuery
		$wpdb->suppress_errors( $suppress );
		return is_int( $affected ) ? $affected : false;
	}
}
