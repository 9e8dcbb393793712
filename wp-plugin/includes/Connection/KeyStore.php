<?php
/**
 * Where the connection lives in WordPress: options, none of them autoloaded (they are needed only by the
 * connection's own requests, and autoloaded options are read on every page).
 *
 * Trade-off, knowingly made: WordPress has no secret store, so the site's private key sits in the options
 * table. Anyone who can read the database can sign requests AS THIS SITE, but cannot sign as the IGNY8
 * server (only its public key is here), which is the property the protocol needs: a leaked site database
 * cannot be used to push content into the site. The server also binds every request to the site URL it has on
 * record, so a copied database on another host (a staging clone) cannot act as the production site.
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
 * Reads and writes the connection, the site's private key and the pending handshake.
 */
final class KeyStore {

	public const CONNECTION_OPTION  = 'igny8_connection';
	public const PRIVATE_KEY_OPTION = 'igny8_site_private_key';
	public const PENDING_OPTION     = 'igny8_pending_connection';

	/** A pending handshake (its secrets) is valid this long. */
	public const PENDING_TTL_SECONDS = 600;

	/**
	 * The connection, or null when the site is not connected.
	 *
	 * @return array{server_url: string, site_id: string, account_id: string, account_name: string, connected_at: int, last_contact_at: ?int, server_public_keys: array<string, string>, site_key_id: string, publisher_user_id: int, credits_balance: int|float|null, credits_checked_at: ?int}|null
	 */
	public function connection(): ?array {
		$connection = get_option( self::CONNECTION_OPTION, null );
		if ( ! is_array( $connection ) || empty( $connection['site_id'] ) || empty( $connection['server_url'] ) ) {
			return null;
		}
		return $connection;
	}

	/**
	 * Saves the whole connection.
	 *
	 * @param array<string, mixed> $connection See connection().
	 */
	public function save_connection( array $connection ): void {
		update_option( self::CONNECTION_OPTION, $connection, false );
	}

	/**
	 * Merges changes into the stored connection (no-op when not connected).
	 *
	 * @param array<string, mixed> $changes Keys to replace.
	 */
	public function update_connection( array $changes ): void {
		$connection = $this->connection();
		if ( null !== $connection ) {
			$this->save_connection( array_merge( $connection, $changes ) );
		}
	}

	/**
	 * The server's public key with that id, or null.
	 *
	 * @param string $key_id Key id.
	 */
	public function server_public_key( string $key_id ): ?string {
		$connection = $this->connection();
		$key        = $connection['server_public_keys'][ $key_id ] ?? null;
		return is_string( $key ) ? $key : null;
	}

	/**
	 * Replaces the server's keys: after a rotation the old key stops working.
	 *
	 * @param string $key_id     New key id.
	 * @param string $public_key New base64url public key.
	 */
	public function replace_server_key( string $key_id, string $public_key ): void {
		$this->update_connection( array( 'server_public_keys' => array( $key_id => $public_key ) ) );
	}

	/**
	 * Key lookup for Signature::verify_request(): the server key named by the request, provided the request
	 * addresses this site's connection.
	 *
	 * @param string $site_id Site id the request names.
	 * @param string $key_id  Key id the request names.
	 * @return string|WP_Error|null
	 */
	public function lookup_server_key( string $site_id, string $key_id ) {
		$connection = $this->connection();
		if ( null === $connection ) {
			return new WP_Error( 'igny8_site_not_connected', __( 'This site is not connected to IGNY8.', 'igny8' ), array( 'status' => 401 ) );
		}
		if ( ! hash_equals( (string) $connection['site_id'], $site_id ) ) {
			return new WP_Error(
				'igny8_site_not_connected',
				/* translators: %s: site id named by the request */
				sprintf( __( 'This WordPress site is not connected to IGNY8 as site %s.', 'igny8' ), $site_id ),
				array( 'status' => 401 )
			);
		}
		return $this->server_public_key( $key_id );
	}

	/**
	 * The site's current signing key: [key id, base64url seed], or null.
	 *
	 * @return array{0: string, 1: string}|null
	 */
	public function site_private_key(): ?array {
		$connection = $this->connection();
		$keys       = get_option( self::PRIVATE_KEY_OPTION, array() );
		$key_id     = (string) ( $connection['site_key_id'] ?? '' );
		if ( '' === $key_id || ! is_array( $keys ) || ! isset( $keys[ $key_id ] ) || ! is_string( $keys[ $key_id ] ) ) {
			return null;
		}
		return array( $key_id, $keys[ $key_id ] );
	}

	/**
	 * Stores a private key beside any others (a rotation keeps the old one until the server took the new one).
	 *
	 * @param string $key_id      Key id.
	 * @param string $private_key base64url seed.
	 */
	public function add_site_private_key( string $key_id, string $private_key ): void {
		$keys = get_option( self::PRIVATE_KEY_OPTION, array() );
		$keys = is_array( $keys ) ? $keys : array();

		$keys[ $key_id ] = $private_key;
		update_option( self::PRIVATE_KEY_OPTION, $keys, false );
	}

	/**
	 * Keeps only the named private key (drops the others).
	 *
	 * @param string $key_id Key id to keep.
	 */
	public function keep_only_site_private_key( string $key_id ): void {
		$keys = get_option( self::PRIVATE_KEY_OPTION, array() );
		$keys = is_array( $keys ) ? $keys : array();
		update_option( self::PRIVATE_KEY_OPTION, array_intersect_key( $keys, array( $key_id => true ) ), false );
	}

	/**
	 * Drops one private key.
	 *
	 * @param string $key_id Key id.
	 */
	public function remove_site_private_key( string $key_id ): void {
		$keys = get_option( self::PRIVATE_KEY_OPTION, array() );
		if ( is_array( $keys ) && isset( $keys[ $key_id ] ) ) {
			unset( $keys[ $key_id ] );
			update_option( self::PRIVATE_KEY_OPTION, $keys, false );
		}
	}

	/**
	 * Records a handshake in progress. secret1 is kept only as a hash (we compare what the server sends);
	 * secret2 is kept in clear because we must send it back.
	 *
	 * @param string $secret1    First secret (hashed here).
	 * @param string $secret2    Second secret.
	 * @param int    $created_by User id of the admin who started it.
	 */
	public function save_pending( string $secret1, string $secret2, int $created_by ): void {
		update_option(
			self::PENDING_OPTION,
			array(
				'secret1_hash' => hash( 'sha256', $secret1 ),
				'secret2'      => $secret2,
				'expires_at'   => time() + self::PENDING_TTL_SECONDS,
				'created_by'   => $created_by,
			),
			false
		);
	}

	/**
	 * The pending handshake (see save_pending()), or null.
	 *
	 * @return array{secret1_hash: string, secret2: string, expires_at: int, created_by: int}|null
	 */
	public function pending(): ?array {
		$pending = get_option( self::PENDING_OPTION, null );
		return is_array( $pending ) && isset( $pending['secret1_hash'], $pending['secret2'], $pending['expires_at'] ) ? $pending : null;
	}

	/**
	 * Single use: answers secret2 when $secret1 matches an unexpired pending handshake, and deletes it.
	 * delete_option() reports whether THIS call deleted the row, so two racing callers cannot both win.
	 *
	 * @param string $secret1 What the caller presents.
	 */
	public function take_secret2( string $secret1 ): ?string {
		$pending = $this->pending();
		if ( null === $pending ) {
			return null;
		}
		if ( (int) $pending['expires_at'] < time() ) {
			$this->clear_pending();
			return null;
		}
		if ( ! hash_equals( (string) $pending['secret1_hash'], hash( 'sha256', $secret1 ) ) ) {
			return null;
		}
		return delete_option( self::PENDING_OPTION ) ? (string) $pending['secret2'] : null;
	}

	/** Forgets the pending handshake. */
	public function clear_pending(): void {
		delete_option( self::PENDING_OPTION );
	}

	/** Forgets the connection and every key. */
	public function clear_all(): void {
		delete_option( self::CONNECTION_OPTION );
		delete_option( self::PRIVATE_KEY_OPTION );
		delete_option( self::PENDING_OPTION );
	}
}
