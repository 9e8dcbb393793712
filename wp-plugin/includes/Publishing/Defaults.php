<?php
/**
 * What IGNY8 publishes with when nobody chooses otherwise: the post status, the author and the category an
 * administrator sets on IGNY8 > Settings.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Publishing;

use WP_Error;
use WP_Term;
use WP_User;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The publishing defaults (WordPress options), the choices for each, and their validation.
 *
 * - Post status: `publish` or `draft`, the statuses the server's publish request (ZPublishBody in
 *   shared/src/publisher.ts) accepts without a date; a scheduled post needs its own date, so it is no default.
 * - Author: Authorship::DEFAULT_AUTHOR_OPTION, a user who can edit posts (0: the publishing user).
 * - Category: an existing category's term id (0: none); the Writer screen's publish form starts with its name.
 */
final class Defaults {

	/** Option: the post status the Writer screen's publish form starts with. */
	public const STATUS_OPTION = 'igny8_default_post_status';

	/** Option: the term id of the category the Writer screen's publish form starts with (0: none). */
	public const CATEGORY_OPTION = 'igny8_default_category';

	/** The statuses offered, first the default. */
	public const POST_STATUSES = array( 'publish', 'draft' );

	/** At most this many users and categories are offered. */
	private const MAX_CHOICES = 500;

	/** The default post status. */
	public static function post_status(): string {
		$status = get_option( self::STATUS_OPTION, self::POST_STATUSES[0] );
		return is_string( $status ) && in_array( $status, self::POST_STATUSES, true ) ? $status : self::POST_STATUSES[0];
	}

	/** The default author's user id, 0 for the publishing user (also when the saved user no longer qualifies). */
	public static function author(): int {
		$author_id = absint( get_option( Authorship::DEFAULT_AUTHOR_OPTION, 0 ) );
		return 0 !== $author_id && true === self::check_author( $author_id ) ? $author_id : 0;
	}

	/** The default category's term id, 0 for none (also when the category was deleted). */
	public static function category(): int {
		$term_id = absint( get_option( self::CATEGORY_OPTION, 0 ) );
		return 0 !== $term_id && true === self::check_category( $term_id ) ? $term_id : 0;
	}

	/** The default category's name, '' for none. */
	public static function category_name(): string {
		$term = 0 === self::category() ? null : get_term( self::category(), 'category' );
		return $term instanceof WP_Term ? $term->name : '';
	}

	/**
	 * The settings and the choices for each, as igny8/v1/settings answers them.
	 *
	 * @return array{defaultPostStatus: string, defaultAuthor: int, defaultCategory: int, choices: array{postStatuses: list<string>, authors: list<array{id: int, name: string}>, categories: list<array{id: int, name: string}>}}
	 */
	public static function to_array(): array {
		return array(
			'defaultPostStatus' => self::post_status(),
			'defaultAuthor'     => self::author(),
			'defaultCategory'   => self::category(),
			'choices'           => array(
				'postStatuses' => self::POST_STATUSES,
				'authors'      => self::authors(),
				'categories'   => self::categories(),
			),
		);
	}

	/**
	 * Users who may be the default author: those who can edit posts, but the publishing user (who is the author
	 * when there is no default).
	 *
	 * @return list<array{id: int, name: string}>
	 */
	public static function authors(): array {
		$users = get_users(
			array(
				'capability' => 'edit_posts',
				'orderby'    => 'display_name',
				'number'     => self::MAX_CHOICES,
				'exclude'    => array_filter( array( Authorship::publishing_user_id() ) ),
			)
		);
		$authors = array();
		foreach ( $users as $user ) {
			if ( $user instanceof WP_User ) {
				$authors[] = array(
					'id'   => (int) $user->ID,
					'name' => (string) $user->display_name,
				);
			}
		}
		return $authors;
	}

	/**
	 * The site's categories.
	 *
	 * @return list<array{id: int, name: string}>
	 */
	public static function categories(): array {
		$terms = get_terms(
			array(
				'taxonomy'   => 'category',
				'hide_empty' => false,
				'orderby'    => 'name',
				'number'     => self::MAX_CHOICES,
			)
		);
		$categories = array();
		foreach ( is_array( $terms ) ? $terms : array() as $term ) {
			if ( $term instanceof WP_Term ) {
				$categories[] = array(
					'id'   => (int) $term->term_id,
					'name' => $term->name,
				);
			}
		}
		return $categories;
	}

	/**
	 * Checks a default post status.
	 *
	 * @param mixed $value Value.
	 * @return true|WP_Error
	 */
	public static function check_post_status( $value ) {
		if ( is_string( $value ) && in_array( $value, self::POST_STATUSES, true ) ) {
			return true;
		}
		return new WP_Error(
			'igny8_invalid_post_status',
			/* translators: %s: the allowed values, such as "publish, draft" */
			sprintf( __( 'Default post status must be one of: %s.', 'igny8' ), implode( ', ', self::POST_STATUSES ) ),
			array( 'status' => 400 )
		);
	}

	/**
	 * Checks a default author: 0 (the publishing user) or a user who can edit posts.
	 *
	 * @param mixed $value Value.
	 * @return true|WP_Error
	 */
	public static function check_author( $value ) {
		$id = self::as_id( $value );
		if ( 0 === $id ) {
			return true;
		}
		$user = null === $id ? false : get_userdata( $id );
		if ( $user instanceof WP_User && user_can( $user, 'edit_posts' ) && Authorship::publishing_user_id() !== $id ) {
			return true;
		}
		return new WP_Error(
			'igny8_invalid_author',
			__( 'Default author must be a user of this site who can edit posts (or none, for the IGNY8 publishing user).', 'igny8' ),
			array( 'status' => 400 )
		);
	}

	/**
	 * Checks a default category: 0 (none) or an existing category.
	 *
	 * @param mixed $value Value.
	 * @return true|WP_Error
	 */
	public static function check_category( $value ) {
		$id = self::as_id( $value );
		if ( 0 === $id ) {
			return true;
		}
		$term = null === $id ? null : get_term( $id, 'category' );
		if ( $term instanceof WP_Term ) {
			return true;
		}
		return new WP_Error(
			'igny8_invalid_category',
			__( 'Default category must be an existing category of this site (or none).', 'igny8' ),
			array( 'status' => 400 )
		);
	}

	/**
	 * An id from JSON (an integer, or its digits as a string); null when it is not one.
	 *
	 * @param mixed $value Value.
	 */
	public static function as_id( $value ): ?int {
		if ( is_int( $value ) && $value >= 0 ) {
			return $value;
		}
		if ( is_string( $value ) && 1 === preg_match( '/^\d{1,18}$/', $value ) ) {
			return (int) $value;
		}
		return null;
	}
}
