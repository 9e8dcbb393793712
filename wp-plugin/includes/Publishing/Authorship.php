<?php
/**
 * Who the posts IGNY8 publishes belong to.
 *
 * The server publishes as the publishing user (role author). WordPress lets an Author publish only as itself:
 * measured on WordPress 6.1, a REST create or update naming another `author` answers 403 rest_cannot_edit_others
 * (that needs edit_others_posts). So the author is chosen here, by the site:
 *
 * - Default author: when the option `igny8_default_author` (a user id; the plugin's Settings screen sets it) names
 *   a user who may edit posts of that type, a REST request by the publishing user that carries our content id
 *   creates the post with that user as its author (rest_pre_insert_{post_type}, so it is one write, not a second
 *   update). An update of an IGNY8 post that the publishing user still owns moves it to the default author too.
 *   Requests by anyone else, or without our content id, are left alone.
 * - Keeping the publishing user able to maintain what it published: once a post belongs to someone else, an
 *   Author could no longer update it (edit_others_posts) nor move it to the trash (delete_others_posts), and
 *   "republishing updates the same post" and "unpublish moves it to the trash" would fail. So for the publishing
 *   user, and only for posts carrying our content id, edit_post, delete_post and read_post are mapped as if it
 *   were the post's author (map_meta_cap): the capabilities it needs are then an Author's own (edit_posts,
 *   edit_published_posts, delete_published_posts, ...). It still has no unfiltered_html, so WordPress's HTML
 *   filtering applies to every update, and it gains nothing on any other post.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Publishing;

use IGNY8\Connection\KeyStore;
use WP_Post;
use WP_REST_Request;
use WP_User;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Default author and the publishing user's rights over IGNY8 posts.
 */
final class Authorship {

	/** Option: id of the user IGNY8's posts are attributed to ('' or 0: the publishing user). */
	public const DEFAULT_AUTHOR_OPTION = 'igny8_default_author';

	/** Meta capabilities mapped as if the publishing user were the author of an IGNY8 post. */
	private const OWN_POST_CAPS = array( 'edit_post', 'delete_post', 'read_post' );

	/** Hooks into WordPress. */
	public function register_hooks(): void {
		foreach ( PostMeta::POST_TYPES as $post_type ) {
			add_filter( "rest_pre_insert_{$post_type}", array( $this, 'apply_default_author' ), 20, 2 );
		}
		add_filter( 'map_meta_cap', array( $this, 'map_own_post_caps' ), 10, 4 );
	}

	/** The publishing user of the current connection (0 when the site is not connected). */
	public static function publishing_user_id(): int {
		$connection = ( new KeyStore() )->connection();
		return null === $connection ? 0 : (int) ( $connection['publisher_user_id'] ?? 0 );
	}

	/**
	 * The default author for a post type: the option's user when it exists, is not the publishing user and may
	 * edit posts of that type; otherwise 0.
	 *
	 * @param string $post_type Post type.
	 */
	public static function default_author_for( string $post_type ): int {
		$author_id = absint( get_option( self::DEFAULT_AUTHOR_OPTION, 0 ) );
		$type      = get_post_type_object( $post_type );
		if ( 0 === $author_id || ! $type || self::publishing_user_id() === $author_id ) {
			return 0;
		}
		$author = get_userdata( $author_id );
		return $author instanceof WP_User && user_can( $author, $type->cap->edit_posts ) ? $author_id : 0;
	}

	/**
	 * rest_pre_insert_{post_type}: the default author for IGNY8 posts saved by the publishing user.
	 *
	 * @param \stdClass|\WP_Error $prepared_post The post about to be saved.
	 * @param WP_REST_Request     $request       Request.
	 * @return \stdClass|\WP_Error
	 */
	public function apply_default_author( $prepared_post, $request ) {
		if ( ! $prepared_post instanceof \stdClass || ! $request instanceof WP_REST_Request ) {
			return $prepared_post;
		}
		$publisher = self::publishing_user_id();
		if ( 0 === $publisher || get_current_user_id() !== $publisher ) {
			return $prepared_post;
		}
		$existing = empty( $prepared_post->ID ) ? null : get_post( (int) $prepared_post->ID );
		$type     = $existing instanceof WP_Post ? $existing->post_type : (string) ( $prepared_post->post_type ?? '' );
		if ( ! in_array( $type, PostMeta::POST_TYPES, true ) ) {
			return $prepared_post;
		}
		$carries_our_id = null !== PostMeta::content_id_of( $request )
			|| ( $existing instanceof WP_Post && PostMeta::is_igny8_post( $existing ) );
		if ( ! $carries_our_id ) {
			return $prepared_post;
		}
		if ( $existing instanceof WP_Post && (int) $existing->post_author !== $publisher ) {
			return $prepared_post; // Someone gave the post to another user: keep their choice.
		}
		$author = self::default_author_for( $type );
		if ( 0 !== $author ) {
			$prepared_post->post_author = $author;
		}
		return $prepared_post;
	}

	/**
	 * map_meta_cap: the publishing user keeps an author's rights over IGNY8 posts that belong to someone else.
	 *
	 * @param string[] $caps    Primitive capabilities required.
	 * @param string   $cap     Capability checked.
	 * @param int      $user_id User.
	 * @param mixed[]  $args    Arguments (the post id first).
	 * @return string[]
	 */
	public function map_own_post_caps( $caps, $cap, $user_id, $args ) {
		if ( ! in_array( $cap, self::OWN_POST_CAPS, true ) || ! isset( $args[0] ) || 0 === (int) $user_id ) {
			return $caps;
		}
		$publisher = self::publishing_user_id();
		if ( (int) $user_id !== $publisher ) {
			return $caps;
		}
		$post = get_post( $args[0] );
		if ( ! $post instanceof WP_Post || (int) $post->post_author === $publisher || ! in_array( $post->post_type, PostMeta::POST_TYPES, true ) || ! PostMeta::is_igny8_post( $post ) ) {
			return $caps;
		}
		// WordPress's own mapping for a post of which the publishing user is the author. get_post() returns a
		// WP_Post it is given, so map_meta_cap() reads the copy; this filter then sees its own user as the author
		// and does not recurse further.
		$as_own              = clone $post;
		$as_own->post_author = (string) $publisher;
		return map_meta_cap( $cap, (int) $user_id, $as_own );
	}
}
