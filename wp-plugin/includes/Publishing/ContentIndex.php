<?php
/**
 * Finds the post published from an IGNY8 content id: what the server asks before every create (exactly-once
 * publishing) and before every update or unpublish.
 *
 * Every status counts, trash and drafts included: a post in the trash is still the content's post (republishing
 * restores and updates it instead of creating another). Only IGNY8's post types. The query is one indexed lookup
 * (postmeta.meta_key is indexed; meta_value is compared for that key only), asks for ids only, counts nothing,
 * skips WordPress's query cache (WordPress 6.1 caches WP_Query results, and an answer cached before the id was
 * written must never hide the post) and runs without other plugins' query filters (a multilingual plugin's
 * language filter, for instance, must not hide a post from this lookup).
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Publishing;

use WP_Post;
use WP_Query;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Lookup by content id.
 */
final class ContentIndex {

	/** More posts than this with one id are not listed (there should never be more than one). */
	private const MAX_DUPLICATES = 20;

	/**
	 * Ids of the posts carrying the content id, oldest first.
	 *
	 * @param string $content_id Lower-case uuid.
	 * @return int[]
	 */
	public function post_ids( string $content_id ): array {
		$statuses = array_values( array_diff( get_post_stati(), array( 'auto-draft', 'inherit' ) ) );
		$query    = new WP_Query(
			array(
				'post_type'              => PostMeta::POST_TYPES,
				'post_status'            => $statuses,
				'meta_key'               => PostMeta::CONTENT_ID, // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_key -- indexed key, one value.
				'meta_value'             => $content_id, // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_value
				'fields'                 => 'ids',
				'orderby'                => 'ID',
				'order'                  => 'ASC',
				'posts_per_page'         => self::MAX_DUPLICATES + 1,
				'no_found_rows'          => true,
				'ignore_sticky_posts'    => true,
				'suppress_filters'       => true,
				'cache_results'          => false,
				'update_post_meta_cache' => false,
				'update_post_term_cache' => false,
			)
		);
		return array_map( 'intval', $query->posts );
	}

	/**
	 * What the server needs about the content's post, or null when no post carries the id.
	 *
	 * @param string $content_id Lower-case uuid.
	 * @return array{postId: int, type: string, status: string, link: string, modified: string, duplicates?: int[]}|null
	 */
	public function find( string $content_id ): ?array {
		$ids = $this->post_ids( $content_id );
		if ( array() === $ids ) {
			return null;
		}
		$post = get_post( $ids[0] );
		if ( ! $post instanceof WP_Post ) {
			return null;
		}
		$answer = array(
			'postId'   => (int) $post->ID,
			'type'     => (string) $post->post_type,
			'status'   => (string) $post->post_status,
			'link'     => (string) get_permalink( $post ),
			'modified' => self::modified_utc( $post ),
		);
		if ( count( $ids ) > 1 ) {
			$answer['duplicates'] = array_slice( $ids, 1 );
		}
		return $answer;
	}

	/**
	 * When the post was last modified, ISO 8601 UTC ("2024-05-01T12:00:00Z"). From the local time: WordPress
	 * leaves post_modified_gmt at its zero date for drafts created with wp_insert_post().
	 *
	 * @param WP_Post $post Post.
	 */
	private static function modified_utc( WP_Post $post ): string {
		$modified = get_post_datetime( $post, 'modified', 'local' );
		return $modified ? $modified->setTimezone( new \DateTimeZone( 'UTC' ) )->format( 'Y-m-d\TH:i:s\Z' ) : '';
	}
}
