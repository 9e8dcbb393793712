<?php
/**
 * Categories and tags by name, created when missing, for the server's publishes.
 *
 * The publishing user is an Author, and measured on WordPress 6.1 an Author may assign existing categories and
 * tags (assign_terms maps to edit_posts) but not create them: POST wp/v2/categories and POST wp/v2/tags both
 * answer 403 rest_cannot_create (manage_categories), and wp/v2/posts accepts term ids only. So the server asks
 * the plugin (signed route POST igny8/v1/terms/ensure) for the ids of the names it needs, and uses them in the
 * post it then creates through wp/v2/posts.
 *
 * A name matches an existing term of the taxonomy case-insensitively (as WordPress's own duplicate check does;
 * for categories a top-level one is preferred over a child of the same name). New categories are top-level.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Publishing;

use WP_Error;
use WP_Term;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Ensures terms exist.
 */
final class Terms {

	public const TAXONOMIES = array( 'category', 'post_tag' );

	/** At most this many names per request. */
	public const MAX_NAMES = 100;

	/** WordPress's terms.name column holds 200 characters. */
	public const MAX_NAME_LENGTH = 200;

	/**
	 * The ids of the named terms, creating the missing ones.
	 *
	 * @param string   $taxonomy 'category' or 'post_tag'.
	 * @param string[] $names    Names (checked by the route's schema; sanitized here).
	 * @return list<array{name: string, id: int, created: bool}>|WP_Error In the order given, duplicates merged.
	 */
	public function ensure( string $taxonomy, array $names ) {
		if ( ! in_array( $taxonomy, self::TAXONOMIES, true ) || ! taxonomy_exists( $taxonomy ) ) {
			return new WP_Error(
				'igny8_invalid_taxonomy',
				/* translators: %s: the taxonomy the request named */
				sprintf( __( 'Terms can be ensured for the taxonomies category and post_tag only, not "%s".', 'igny8' ), $taxonomy ),
				array( 'status' => 400 )
			);
		}
		$wanted = array();
		foreach ( array_values( $names ) as $index => $raw ) {
			$name = is_string( $raw ) ? trim( sanitize_text_field( $raw ) ) : '';
			if ( '' === $name ) {
				return new WP_Error(
					'igny8_invalid_term_name',
					/* translators: %d: position of the name in the request (from 0) */
					sprintf( __( 'names[%d] is empty once tags and line breaks are removed: every term needs a name.', 'igny8' ), $index ),
					array(
						'status' => 400,
						'index'  => $index,
					)
				);
			}
			$wanted[ mb_strtolower( $name ) ] ??= $name;
		}

		$result = array();
		foreach ( $wanted as $name ) {
			$existing = $this->find( $taxonomy, $name );
			if ( null !== $existing ) {
				$result[] = array(
					'name'    => $name,
					'id'      => $existing,
					'created' => false,
				);
				continue;
			}
			$inserted = wp_insert_term( $name, $taxonomy );
			if ( $inserted instanceof WP_Error ) {
				if ( 'term_exists' === $inserted->get_error_code() && is_numeric( $inserted->get_error_data() ) ) {
					// Created meanwhile by someone else (or matched by WordPress's stricter rules): use it.
					$result[] = array(
						'name'    => $name,
						'id'      => (int) $inserted->get_error_data(),
						'created' => false,
					);
					continue;
				}
				return new WP_Error(
					'igny8_term_not_created',
					/* translators: 1: term name, 2: taxonomy, 3: WordPress's reason */
					sprintf( __( 'WordPress did not create the term "%1$s" in %2$s: %3$s', 'igny8' ), $name, $taxonomy, $inserted->get_error_message() ),
					array( 'status' => 500 )
				);
			}
			$result[] = array(
				'name'    => $name,
				'id'      => (int) $inserted['term_id'],
				'created' => true,
			);
		}
		return $result;
	}

	/**
	 * The id of the term with that name (case-insensitive), a top-level one first; null when none.
	 *
	 * @param string $taxonomy Taxonomy.
	 * @param string $name     Sanitized name.
	 */
	private function find( string $taxonomy, string $name ): ?int {
		$matches = get_terms(
			array(
				'taxonomy'               => $taxonomy,
				'name'                   => $name,
				'hide_empty'             => false,
				'update_term_meta_cache' => false,
			)
		);
		if ( ! is_array( $matches ) ) {
			return null;
		}
		$found = null;
		foreach ( $matches as $term ) {
			// The database collation also equates accented and plain letters: compare strictly, as WordPress does.
			if ( $term instanceof WP_Term && mb_strtolower( html_entity_decode( $term->name, ENT_QUOTES, 'UTF-8' ) ) === mb_strtolower( $name ) ) {
				if ( 0 === (int) $term->parent ) {
					return (int) $term->term_id;
				}
				$found ??= (int) $term->term_id;
			}
		}
		return $found;
	}
}
