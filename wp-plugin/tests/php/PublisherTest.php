<?php
/**
 * The publishing user and its application password.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Tests;

use IGNY8\Connection\Publisher;
use WP_Application_Passwords;
use WP_Error;
use WP_User;

/**
 * Publisher::ensure_user() and revoke().
 */
final class PublisherTest extends IntegrationTestCase {

	/**
	 * Authenticates as WordPress does for a REST request with Basic auth.
	 *
	 * @param string $username Login.
	 * @param string $password Application password.
	 * @return WP_User|WP_Error|null
	 */
	private static function authenticate( string $username, string $password ) {
		add_filter( 'application_password_is_api_request', '__return_true' );
		try {
			return wp_authenticate_application_password( null, $username, $password );
		} finally {
			remove_filter( 'application_password_is_api_request', '__return_true' );
		}
	}

	public function test_ensure_user_creates_an_author_whose_application_password_authenticates(): void {
		$publisher = $this->test_publisher();
		$result    = $publisher->ensure_user();
		$this->assertIsArray( $result );
		list( $username, $password, $user_id ) = $result;

		$user = get_userdata( $user_id );
		$this->assertInstanceOf( WP_User::class, $user );
		$this->assertSame( $publisher->username(), $username );
		$this->assertSame( array( 'author' ), array_values( $user->roles ) );
		$this->assertFalse( user_can( $user, 'unfiltered_html' ), 'WordPress filters what the publisher writes' );
		$this->assertSame( 'IGNY8', $user->display_name );
		$this->assertNotFalse( is_email( $user->user_email ) );
		$this->assertFalse( wp_check_password( $password, $user->user_pass ), 'the application password is not the login password' );

		$authenticated = self::authenticate( $username, $password );
		$this->assertInstanceOf( WP_User::class, $authenticated );
		$this->assertSame( $user_id, (int) $authenticated->ID );
		$items = WP_Application_Passwords::get_user_application_passwords( $user_id );
		$this->assertCount( 1, $items );
		$this->assertSame( Publisher::APPLICATION_NAME, $items[0]['name'] );
		$this->assertTrue( wp_check_password( $password, $items[0]['password'], $user_id ), 'stored hashed, as WordPress checks it' );
	}

	public function test_a_second_call_reuses_the_user_and_revokes_the_first_password(): void {
		$publisher = $this->test_publisher();
		list( , $first, $user_id ) = $publisher->ensure_user();
		list( , $second, $same_user ) = $publisher->ensure_user();

		$this->assertSame( $user_id, $same_user );
		$this->assertNotSame( $first, $second );
		$this->assertInstanceOf( WP_Error::class, self::authenticate( $publisher->username(), $first ), 'the first password is revoked' );
		$this->assertInstanceOf( WP_User::class, self::authenticate( $publisher->username(), $second ) );
		$this->assertCount( 1, WP_Application_Passwords::get_user_application_passwords( $user_id ) );
	}

	public function test_a_reused_user_is_brought_back_to_the_author_role(): void {
		$publisher = $this->test_publisher();
		list( , , $user_id ) = $publisher->ensure_user();
		( new WP_User( $user_id ) )->set_role( 'administrator' );
		$publisher->ensure_user();
		$this->assertSame( array( 'author' ), array_values( ( new WP_User( $user_id ) )->roles ) );
	}

	public function test_revoke_deletes_every_application_password(): void {
		$publisher = $this->test_publisher();
		list( $username, $password, $user_id ) = $publisher->ensure_user();
		$publisher->revoke();
		$this->assertSame( array(), WP_Application_Passwords::get_user_application_passwords( $user_id ) );
		$this->assertInstanceOf( WP_Error::class, self::authenticate( $username, $password ) );
	}
}
