<?php
/**
 * The WordPress user the IGNY8 server publishes as.
 *
 * A dedicated user with the author role, so WordPress's own HTML filtering (no unfiltered_html) applies to
 * everything the server writes, and so the site owner sees "IGNY8" as the author of what it published and can
 * lock it out by deleting one user. The server authenticates with an Application Password: WordPress
 * checks it, and the admin can revoke it from the user's profile.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Connection;

use WP_Application_Passwords;
use WP_Error;
use WP_User;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Creates the publishing user and its application password; revokes them.
 */
final class Publisher {

	public const USERNAME = 'igny8-publisher';

	/** Name of the application password in the user's profile. */
	public const APPLICATION_NAME = 'IGNY8 server';

	/** User meta that marks a user as created by this plugin (uninstall deletes only such a user). */
	public const MARKER_META = 'igny8_publisher';

	private string $username;

	/**
	 * Constructor.
	 *
	 * @param string $username Login of the publishing user (tests use their own).
	 */
	public function __construct( string $username = self::USERNAME ) {
		$this->username = $username;
	}

	/** Login of the publishing user. */
	public function username(): string {
		return $this->username;
	}

	/** The publishing user, or null when it does not exist. */
	public function user(): ?WP_User {
		$user = get_user_by( 'login', $this->username );
		return $user instanceof WP_User ? $user : null;
	}

	/**
	 * Creates (or reuses) the publishing user and gives it a new application password; older passwords of
	 * that name are revoked first, so only the newest connection can publish.
	 *
	 * @return array{0: string, 1: string, 2: int}|WP_Error [username, application password, user id].
	 */
	public function ensure_user() {
		$user = $this->user();
		if ( null === $user ) {
			$user_id = wp_insert_user(
				array(
					'user_login'   => $this->username,
					// Nobody knows it: the user signs in only with its application password.
					'user_pass'    => wp_generate_password( 64, true, true ),
					'user_email'   => $this->email(),
					'display_name' => 'IGNY8',
					'nickname'     => 'IGNY8',
					'first_name'   => 'IGNY8',
					'role'         => 'author',
					'description'  => __( 'Publishes the posts written with IGNY8. Created by the IGNY8 plugin; delete it to stop IGNY8 from publishing.', 'igny8' ),
				)
			);
			if ( $user_id instanceof WP_Error ) {
				return new WP_Error(
					'igny8_publisher_user_failed',
					/* translators: 1: user login, 2: reason */
					sprintf( __( 'Could not create the WordPress user %1$s that IGNY8 publishes as: %2$s', 'igny8' ), $this->username, $user_id->get_error_message() ),
					array( 'status' => 500 )
				);
			}
			update_user_meta( $user_id, self::MARKER_META, '1' );
			$user = get_userdata( $user_id );
			if ( ! $user instanceof WP_User ) {
				return new WP_Error( 'igny8_publisher_user_failed', __( 'Could not read back the IGNY8 publishing user.', 'igny8' ), array( 'status' => 500 ) );
			}
		} elseif ( array( 'author' ) !== array_values( $user->roles ) ) {
			// Never publish with more power than an author, whoever changed the role.
			$user->set_role( 'author' );
		}

		$this->revoke_named( (int) $user->ID );
		$created = WP_Application_Passwords::create_new_application_password( (int) $user->ID, array( 'name' => self::APPLICATION_NAME ) );
		if ( $created instanceof WP_Error ) {
			return new WP_Error(
				'igny8_application_password_failed',
				/* translators: %s: reason */
				sprintf( __( 'Could not create the application password IGNY8 publishes with: %s', 'igny8' ), $created->get_error_message() ),
				array( 'status' => 500 )
			);
		}
		return array( $this->username, (string) $created[0], (int) $user->ID );
	}

	/** Deletes every application password of the publishing user. */
	public function revoke(): void {
		$user = $this->user();
		if ( null !== $user ) {
			WP_Application_Passwords::delete_all_application_passwords( (int) $user->ID );
		}
	}

	/**
	 * Undoes ensure_user() after a failed handshake: revokes the passwords, and deletes the user when this
	 * plugin created it and it has authored nothing (so a failed attempt leaves no stray "IGNY8" user).
	 */
	public function discard(): void {
		$this->revoke();
		$user = $this->user();
		if ( null === $user || '1' !== (string) get_user_meta( (int) $user->ID, self::MARKER_META, true ) ) {
			return;
		}
		if ( 0 === (int) count_user_posts( (int) $user->ID, get_post_types(), false ) ) {
			require_once ABSPATH . 'wp-admin/includes/user.php';
			wp_delete_user( (int) $user->ID );
		}
	}

	/**
	 * Deletes the application passwords named APPLICATION_NAME.
	 *
	 * @param int $user_id User id.
	 */
	private function revoke_named( int $user_id ): void {
		foreach ( WP_Application_Passwords::get_user_application_passwords( $user_id ) as $item ) {
			if ( self::APPLICATION_NAME === ( $item['name'] ?? '' ) ) {
				WP_Application_Passwords::delete_application_password( $user_id, (string) $item['uuid'] );
			}
		}
	}

	/** igny8-publisher@<site host>, or a reserved .invalid address when that one is unusable or taken. */
	private function email(): string {
		$host  = strtolower( (string) wp_parse_url( home_url(), PHP_URL_HOST ) );
		$email = $this->username . '@' . $host;
		if ( '' !== $host && is_email( $email ) && ! email_exists( $email ) ) {
			return $email;
		}
		$fallback = $this->username . '@example.invalid';
		return email_exists( $fallback ) ? $this->username . '-' . bin2hex( random_bytes( 4 ) ) . '@example.invalid' : $fallback;
	}
}
