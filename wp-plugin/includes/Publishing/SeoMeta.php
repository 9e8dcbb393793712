<?php
/**
 * Where the SEO title and description IGNY8 writes end up.
 *
 * - Yoast SEO active (WPSEO_VERSION defined): copied into `_yoast_wpseo_title` and `_yoast_wpseo_metadesc`.
 * - Rank Math active (RANK_MATH_VERSION defined): copied into `rank_math_title` and `rank_math_description`.
 * - Neither: the plugin prints them itself on the post's page: the document <title> (pre_get_document_title,
 *   for themes that support title-tag, as every block theme and most classic themes do) and
 *   <meta name="description"> (wp_head).
 *
 * The copy happens when a REST request that saves a post or page carries our SEO meta (the server sends them on
 * every publish and republish), after WordPress stored them, so the SEO plugin's fields always hold what IGNY8
 * last published. Our own keys are kept in every case, so switching SEO plugins later loses nothing.
 *
 * The filter `igny8_active_seo_plugin` (return 'yoast', 'rank-math', 'other' or '') overrides the detection: a
 * site running another SEO plugin returns 'other' to stop the plugin's own output, and the tests use it to
 * simulate Yoast and Rank Math (one test also defines the real constant, in a separate process).
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Publishing;

use WP_Post;
use WP_REST_Request;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * SEO meta mirroring and front-end output.
 */
final class SeoMeta {

	public const YOAST     = 'yoast';
	public const RANK_MATH = 'rank-math';

	/** Our key => the key each SEO plugin reads. */
	public const MIRRORS = array(
		self::YOAST     => array(
			PostMeta::SEO_TITLE       => '_yoast_wpseo_title',
			PostMeta::SEO_DESCRIPTION => '_yoast_wpseo_metadesc',
		),
		self::RANK_MATH => array(
			PostMeta::SEO_TITLE       => 'rank_math_title',
			PostMeta::SEO_DESCRIPTION => 'rank_math_description',
		),
	);

	/** Hooks into WordPress. */
	public function register_hooks(): void {
		foreach ( PostMeta::POST_TYPES as $post_type ) {
			add_action( "rest_after_insert_{$post_type}", array( $this, 'mirror_from_request' ), 10, 2 );
		}
		add_filter( 'pre_get_document_title', array( $this, 'document_title' ), 20 );
		add_action( 'wp_head', array( $this, 'print_meta_description' ), 1 );
	}

	/**
	 * The SEO plugin that owns the title and description: 'yoast', 'rank-math', 'other', or '' for none.
	 */
	public static function active_plugin(): string {
		$detected = '';
		if ( defined( 'WPSEO_VERSION' ) ) {
			$detected = self::YOAST;
		} elseif ( defined( 'RANK_MATH_VERSION' ) ) {
			$detected = self::RANK_MATH;
		}
		/**
		 * Filters which SEO plugin owns the title and meta description of IGNY8's posts.
		 *
		 * @param string $plugin 'yoast', 'rank-math', 'other' (an SEO plugin IGNY8 does not write to: the plugin
		 *                       then prints nothing), or '' (none: the plugin prints the title and description).
		 */
		$plugin = apply_filters( 'igny8_active_seo_plugin', $detected );
		return is_string( $plugin ) ? $plugin : $detected;
	}

	/**
	 * rest_after_insert_{post_type}: copies the SEO meta the request carried into the active SEO plugin's fields
	 * (an empty value deletes the copy, so the SEO plugin falls back to its default).
	 *
	 * @param WP_Post         $post    The saved post.
	 * @param WP_REST_Request $request Request.
	 */
	public function mirror_from_request( $post, $request ): void {
		if ( ! $post instanceof WP_Post || ! $request instanceof WP_REST_Request ) {
			return;
		}
		$meta    = $request->get_param( 'meta' );
		$mirrors = self::MIRRORS[ self::active_plugin() ] ?? null;
		if ( ! is_array( $meta ) || null === $mirrors || ! current_user_can( 'edit_post', $post->ID ) ) {
			return;
		}
		foreach ( $mirrors as $ours => $theirs ) {
			if ( ! array_key_exists( $ours, $meta ) ) {
				continue;
			}
			// What WordPress stored (sanitized), not the raw request value.
			$value = (string) get_post_meta( $post->ID, $ours, true );
			if ( '' === $value ) {
				delete_post_meta( $post->ID, $theirs );
			} else {
				update_post_meta( $post->ID, $theirs, wp_slash( $value ) );
			}
		}
	}

	/**
	 * pre_get_document_title: our SEO title on the post's own page when no SEO plugin handles it.
	 *
	 * @param mixed $title Title so far ('' lets WordPress build its own).
	 * @return mixed
	 */
	public function document_title( $title ) {
		$seo_title = $this->own_value( PostMeta::SEO_TITLE );
		// WordPress returns a non-empty pre_get_document_title as is, unescaped: escape it here.
		return '' === $seo_title ? $title : esc_html( $seo_title );
	}

	/** wp_head: <meta name="description"> on the post's own page when no SEO plugin handles it. */
	public function print_meta_description(): void {
		$description = $this->own_value( PostMeta::SEO_DESCRIPTION );
		if ( '' !== $description ) {
			printf( '<meta name="description" content="%s" />' . "\n", esc_attr( $description ) );
		}
	}

	/**
	 * Our meta value for the page being shown, when the plugin is the one to print it.
	 *
	 * @param string $key PostMeta::SEO_TITLE or PostMeta::SEO_DESCRIPTION.
	 */
	private function own_value( string $key ): string {
		if ( '' !== self::active_plugin() || ! is_singular( PostMeta::POST_TYPES ) ) {
			return '';
		}
		$post = get_queried_object();
		if ( ! $post instanceof WP_Post ) {
			return '';
		}
		return trim( (string) get_post_meta( $post->ID, $key, true ) );
	}
}
