<?php
/**
 * POST igny8/v1/terms/ensure: category and tag ids by name for the server's publishes, created when missing,
 * signed by the server only; the publishing user then assigns them through wp/v2.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Tests;

use WP_REST_Response;

/**
 * Terms ensure route.
 */
final class TermsEnsureTest extends PublishingTestCase {

	/**
	 * Signed POST terms/ensure, dispatched in-process.
	 *
	 * @param array<string, mixed> $body Body.
	 */
	private function ensure( array $body ): WP_REST_Response {
		return $this->dispatch( $this->signed_request( 'POST', '/igny8/v1/terms/ensure', (string) wp_json_encode( $body ), $this->connection['server'], $this->connection['site_id'] ) );
	}

	/**
	 * Ensures and remembers the created terms for clean-up.
	 *
	 * @param string   $taxonomy Taxonomy.
	 * @param string[] $names    Names.
	 * @return list<array{name: string, id: int, created: bool}>
	 */
	private function ensure_ok( string $taxonomy, array $names ): array {
		$response = $this->ensure(
			array(
				'taxonomy' => $taxonomy,
				'names'    => $names,
			)
		);
		$this->assertStatus( 200, $response, $taxonomy );
		$data = $this->data( $response );
		$this->assertSame( $taxonomy, $data['taxonomy'] );
		foreach ( $data['terms'] as $term ) {
			if ( $term['created'] ) {
				$this->forget_term( $term['id'], $taxonomy );
			}
		}
		return $data['terms'];
	}

	public function test_it_creates_missing_categories_and_reuses_existing_ones(): void {
		$suffix   = bin2hex( random_bytes( 4 ) );
		$existing = wp_insert_term( "IGNY8 Existing {$suffix}", 'category' );
		$this->assertIsArray( $existing );
		$this->forget_term( (int) $existing['term_id'], 'category' );

		$terms = $this->ensure_ok( 'category', array( "IGNY8 New {$suffix}", "igny8 existing {$suffix}", "  IGNY8 new {$suffix} ", "Tips & Tricks {$suffix}" ) );
		$this->assertCount( 3, $terms, 'the same name twice (case and spaces aside) is one term' );
		$this->assertSame( "IGNY8 New {$suffix}", $terms[0]['name'] );
		$this->assertTrue( $terms[0]['created'] );
		$this->assertSame( (int) $existing['term_id'], $terms[1]['id'] );
		$this->assertFalse( $terms[1]['created'], 'matched case-insensitively' );
		$this->assertTrue( $terms[2]['created'] );
		$this->assertSame( "Tips &amp; Tricks {$suffix}", get_term( $terms[2]['id'], 'category' )->name, 'stored as WordPress stores names' );
		$this->assertSame( 0, get_term( $terms[0]['id'], 'category' )->parent, 'new categories are top-level' );

		$again = $this->ensure_ok( 'category', array( "Tips & Tricks {$suffix}", "IGNY8 NEW {$suffix}" ) );
		$this->assertSame( array( $terms[2]['id'], $terms[0]['id'] ), array_column( $again, 'id' ), 'idempotent, in the order asked' );
		$this->assertSame( array( false, false ), array_column( $again, 'created' ) );
	}

	public function test_a_top_level_category_is_preferred_and_tags_work_alike(): void {
		$suffix = bin2hex( random_bytes( 4 ) );
		$parent = wp_insert_term( "IGNY8 Parent {$suffix}", 'category' );
		$child  = wp_insert_term( "IGNY8 Same {$suffix}", 'category', array( 'parent' => $parent['term_id'] ) );
		$this->forget_term( (int) $child['term_id'], 'category' );
		$this->forget_term( (int) $parent['term_id'], 'category' );
		$terms = $this->ensure_ok( 'category', array( "IGNY8 Same {$suffix}" ) );
		$this->assertSame( (int) $child['term_id'], $terms[0]['id'], 'only a child has the name: reuse it' );
		$top = wp_insert_term( "IGNY8 Same {$suffix}", 'category' );
		$this->forget_term( (int) $top['term_id'], 'category' );
		$this->assertSame( (int) $top['term_id'], $this->ensure_ok( 'category', array( "IGNY8 Same {$suffix}" ) )[0]['id'] );

		$tags = $this->ensure_ok( 'post_tag', array( "igny8 tag {$suffix}", "IGNY8 Tag {$suffix}", "other {$suffix}" ) );
		$this->assertCount( 2, $tags );
		$this->assertTrue( $tags[0]['created'] );
		$this->assertSame( 'post_tag', get_term( $tags[0]['id'] )->taxonomy );
	}

	public function test_the_publisher_assigns_the_ensured_terms_through_wp_v2(): void {
		$suffix     = bin2hex( random_bytes( 4 ) );
		$categories = array_column( $this->ensure_ok( 'category', array( "IGNY8 Cat {$suffix}" ) ), 'id' );
		$tags       = array_column( $this->ensure_ok( 'post_tag', array( "igny8-a-{$suffix}", "igny8-b-{$suffix}" ) ), 'id' );
		$response   = $this->rest(
			'POST',
			'/wp/v2/posts',
			array(
				'title'      => 'With terms',
				'status'     => 'publish',
				'categories' => $categories,
				'tags'       => $tags,
			),
			$this->publisher['id']
		);
		$this->assertStatus( 201, $response );
		$post_id = $this->forget_post( $this->data( $response )['id'] );
		$this->assertSame( $categories, wp_get_post_categories( $post_id ) );
		$this->assertEqualsCanonicalizing( $tags, wp_get_post_tags( $post_id, array( 'fields' => 'ids' ) ) );
	}

	public function test_bad_requests_say_what_is_wrong(): void {
		$cases = array(
			'unknown taxonomy' => array(
				array(
					'taxonomy' => 'nav_menu',
					'names'    => array( 'x' ),
				),
				'rest_invalid_param',
			),
			'no names'         => array(
				array(
					'taxonomy' => 'category',
					'names'    => array(),
				),
				'rest_invalid_param',
			),
			'empty name'       => array(
				array(
					'taxonomy' => 'category',
					'names'    => array( '' ),
				),
				'rest_invalid_param',
			),
			'name too long'    => array(
				array(
					'taxonomy' => 'category',
					'names'    => array( str_repeat( 'x', 201 ) ),
				),
				'rest_invalid_param',
			),
			'too many names'   => array(
				array(
					'taxonomy' => 'post_tag',
					'names'    => array_map( 'strval', range( 1, 101 ) ),
				),
				'rest_invalid_param',
			),
			'missing taxonomy' => array( array( 'names' => array( 'x' ) ), 'rest_missing_callback_param' ),
		);
		foreach ( $cases as $what => list( $body, $code ) ) {
			$this->assertErrorCode( 400, $code, $this->ensure( $body ), $what );
		}
		$response = $this->ensure(
			array(
				'taxonomy' => 'category',
				'names'    => array( 'fine', '<b></b>' ),
			)
		);
		$this->assertErrorCode( 400, 'igny8_invalid_term_name', $response, 'a name that is only markup' );
		$this->assertStringContainsString( 'names[1]', $this->data( $response )['message'] );
		$this->assertFalse( get_term_by( 'name', 'fine', 'category' ), 'nothing is created when one name is refused' );
	}

	public function test_only_the_server_may_call_it(): void {
		$name = 'igny8-unsigned-' . bin2hex( random_bytes( 4 ) );
		$body = array(
			'taxonomy' => 'post_tag',
			'names'    => array( $name ),
		);
		foreach ( array( 0, $this->publisher['id'], $this->user_id( 'admin' ) ) as $user_id ) {
			$this->assertErrorCode( 401, 'igny8_signature_invalid', $this->rest( 'POST', '/igny8/v1/terms/ensure', $body, $user_id ), "user {$user_id}" );
		}
		// A body other than the one signed.
		$request = $this->signed_request( 'POST', '/igny8/v1/terms/ensure', (string) wp_json_encode( $body ), $this->connection['server'], $this->connection['site_id'] );
		$request->set_body( (string) wp_json_encode( array( 'taxonomy' => 'category' ) + $body ) );
		$this->assertErrorCode( 401, 'igny8_signature_invalid', $this->dispatch( $request ), 'body changed after signing' );
		$this->assertFalse( get_term_by( 'name', $name, 'post_tag' ) );
	}
}
