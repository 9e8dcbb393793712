<?php
/**
 * The state of one "Connect to IGNY8": made when an administrator presses the button, sent to the IGNY8 app with
 * the site's URL, and brought back with the connection grant. Only the administrator who pressed the button, in
 * this site, within 10 minutes, and once, can complete the connection with it: a link someone else made (with a
 * grant for their own account) connects nothing.
 *
 * Stored per user and per site (user meta igny8_connect_state_<blog id>), hashed: the state travels in URLs, so
 * what is stored is only good for comparing.
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
 * Single-use, per-user state of the one-click connection.
 */
final class ConnectState {

	public const META_KEY    = 'igny8_connect_state';
	public const TTL_SECONDS = 600;

	/** The user meta key, per site (user meta is shared by the sites of a network). */
	public static function meta_key(): string {
		return self::META_KEY . '_' . get_current_blog_id();
	}

	/**
	 * Makes a new state for the user (replacing any earlier one) and remembers the server it was made for.
	 *
	 * @param int    $user_id    The administrator pressing Connect to IGNY8.
	 * @param string $server_url The IGNY8 server the browser goes to (and the plugin later registers with).
	 * @return array{state: string, expires_at: int}
	 */
	public function create( int $user_id, string $server_url ): array {
		$state      = Signature::base64url_encode( random_bytes( 32 ) );
		$expires_at = time() + self::TTL_SECONDS;
		update_user_meta(
			$user_id,
			self::meta_key(),
			array(
				'state_hash' => hash( 'sha256', $state ),
				'server_url' => $server_url,
				'expires_at' => $expires_at,
			)
		);
		return array(
			'state'      => $state,
			'expires_at' => $expires_at,
		);
	}

	/**
	 * Takes the user's state if it matches: once, within 10 minutes. A state that does not match leaves the
	 * user's own pending one in place (a forged link must not cancel a connection in progress).
	 *
	 * @param int    $user_id The current user.
	 * @param string $state   What came back in the address (igny8_state).
	 * @return array{server_url: string}|WP_Error
	 */
	public function take( int $user_id, string $state ) {
		$stored = get_user_meta( $user_id, self::meta_key(), true );
		$again  = __( 'Press "Connect to IGNY8" again.', 'igny8' );
		if ( ! is_array( $stored ) || ! isset( $stored['state_hash'], $stored['server_url'], $stored['expires_at'] ) ) {
			return new WP_Error(
				'igny8_connect_state_invalid',
				/* translators: %s: "Press Connect to IGNY8 again." */
				sprintf( __( 'No connection to IGNY8 is waiting for you on this site: it was already completed, it was started by another user, or this link did not come from this site. %s', 'igny8' ), $again ),
				array( 'status' => 400 )
			);
		}
		if ( (int) $stored['expires_at'] < time() ) {
			delete_user_meta( $user_id, self::meta_key() );
			return new WP_Error(
				'igny8_connect_state_expired',
				/* translators: %s: "Press Connect to IGNY8 again." */
				sprintf( __( 'The connection to IGNY8 was started more than 10 minutes ago and has expired. %s', 'igny8' ), $again ),
				array( 'status' => 400 )
			);
		}
		if ( ! hash_equals( (string) $stored['state_hash'], hash( 'sha256', $state ) ) ) {
			return new WP_Error(
				'igny8_connect_state_mismatch',
				/* translators: %s: "Press Connect to IGNY8 again." */
				sprintf( __( 'This link does not belong to the connection you started (its state does not match), so nothing was connected. %s', 'igny8' ), $again ),
				array( 'status' => 403 )
			);
		}
		// Single use: only the request that deletes it goes on (two tabs completing at once cannot both).
		if ( ! delete_user_meta( $user_id, self::meta_key() ) ) {
			return new WP_Error(
				'igny8_connect_state_invalid',
				/* translators: %s: "Press Connect to IGNY8 again." */
				sprintf( __( 'This connection to IGNY8 is already being completed. %s', 'igny8' ), $again ),
				array( 'status' => 409 )
			);
		}
		return array( 'server_url' => (string) $stored['server_url'] );
	}

	/**
	 * Forgets the user's pending state.
	 *
	 * @param int $user_id User.
	 */
	public function clear( int $user_id ): void {
		delete_user_meta( $user_id, self::meta_key() );
	}
}
