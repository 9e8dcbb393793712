<?php
/**
 * The post meta the server writes through wp/v2 as the publishing user: registered, writable by that user with
 * its application password over real HTTP (protected keys need the auth_callback), hidden from visitors, written
 * together with a new post, and what an Author may and may not do on WordPress 6.1.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Tests;

use IGNY8\Publishing\PostMeta;

/**
 * Meta registration and writes.
 */
final class PostMetaTest extends PublishingTestCase {

	public function test_the_keys_are_registered_for_posts_and_pages_in_the_edit_context_only(): void {
		foreach ( PostMeta::POST_TYPES as $post_type ) {
			$keys = get_registered_meta_keys( 'post', $post_type );
			foreach ( array( PostMeta::CONTENT_ID, PostMeta::SEO_TITLE, PostMeta::SEO_DESCRIPTION ) as $key ) {
				$this->assertArrayHasKey( $key, $keys, "{$key} on {$post_type}" );
				$this->assertTrue( $keys[ $key ]['single'] );
				$this->assertSame( 'string', $keys[ $key ]['type'] );
				$this->assertSame( array( 'edit' ), $keys[ $key ]['show_in_rest']['schema']['context'] );
				$this->assertTrue( is_protected_meta( $key, 'post' ), "{$key} is protected (hidden from Custom Fields)" );
			}
		}

		$content_id = wp_generate_uuid4();
		$post_id    = $this->make_post( array( 'post_status' => 'publish' ), $content_id );
		$visitor    = $this->data( $this->rest( 'GET', "/wp/v2/posts/{$post_id}", null, 0 ) );
		$this->assertArrayNotHasKey( PostMeta::CONTENT_ID, $visitor['meta'] ?? array(), 'visitors do not see our ids' );
		$admin = $this->data( $this->rest( 'GET', "/wp/v2/posts/{$post_id}", null, $this->user_id( 'admin' ), array( 'context' => 'edit' ) ) );
		$this->assertSame( $content_id, $admin['meta'][ PostMeta::CONTENT_ID ] );
	}

	public function test_the_publisher_writes_and_updates_the_meta_over_http_with_its_application_password(): void {
		$this->server->uninstall(); // Real loopback HTTP to the harness.
		$content_id = wp_generate_uuid4();

		list( $status, $post ) = $this->http(
			'POST',
			'/wp-json/wp/v2/posts',
			array(
				'title'   => 'Exactly once',
				'content' => '<!-- wp:paragraph --><p>Hello</p><!-- /wp:paragraph -->',
				'status'  => 'draft',
				'meta'    => array(
					PostMeta::CONTENT_ID      => strtoupper( $content_id ),
					PostMeta::SEO_TITLE       => 'An SEO title <b>bold</b>',
					PostMeta::SEO_DESCRIPTION => "A description\nover two lines",
				),
			),
			$this->publisher_auth()
		);
		$this->assertSame( 201, $status, (string) wp_json_encode( $post ) );
		$post_id = $this->forget_post( (int) $post['id'] );
		$this->assertSame( $this->publisher['id'], (int) $post['author'] );
		$this->assertSame( $content_id, $post['meta'][ PostMeta::CONTENT_ID ], 'stored lower-case' );
		$this->assertSame( 'An SEO title bold', $post['meta'][ PostMeta::SEO_TITLE ], 'tags stripped' );
		$this->assertSame( 'A description over two lines', $post['meta'][ PostMeta::SEO_DESCRIPTION ] );
		$this->assertSame( $content_id, get_post_meta( $post_id, PostMeta::CONTENT_ID, true ) );
		$this->assertCount( 1, get_post_meta( $post_id, PostMeta::CONTENT_ID ), 'written once (meta_input), not twice' );

		// Republishing: the same post, updated.
		list( $status, $post ) = $this->http(
			'POST',
			"/wp-json/wp/v2/posts/{$post_id}",
			array(
				'status' => 'publish',
				'meta'   => array(
					PostMeta::CONTENT_ID => $content_id,
					PostMeta::SEO_TITLE  => 'A better SEO title',
				),
			),
			$this->publisher_auth()
		);
		$this->assertSame( 200, $status, (string) wp_json_encode( $post ) );
		$this->assertSame( 'publish', $post['status'] );
		$this->assertSame( $post_id, (int) $post['id'] );
		wp_cache_delete( $post_id, 'post_meta' ); // Written by the web server's process.
		$this->assertSame( 'A better SEO title', get_post_meta( $post_id, PostMeta::SEO_TITLE, true ) );

		// Read back by the publisher (edit context) and by a visitor (view context).
		list( $status, $post ) = $this->http( 'GET', "/wp-json/wp/v2/posts/{$post_id}?context=edit", null, $this->publisher_auth() );
		$this->assertSame( 200, $status );
		$this->assertSame( $content_id, $post['meta'][ PostMeta::CONTENT_ID ] );
		list( $status, $post, $raw ) = $this->http( 'GET', "/wp-json/wp/v2/posts/{$post_id}" );
		$this->assertSame( 200, $status );
		$this->assertStringNotContainsString( $content_id, $raw, 'visitors never see the content id' );

		// Unpublish: the publisher moves its post to the trash; the lookup still finds it.
		list( $status, $post ) = $this->http( 'DELETE', "/wp-json/wp/v2/posts/{$post_id}", null, $this->publisher_auth() );
		$this->assertSame( 200, $status, (string) wp_json_encode( $post ) );
		$this->assertSame( 'trash', $post['status'] );
		$found = $this->data( $this->lookup( $content_id ) );
		$this->assertSame( $post_id, $found['postId'] );
		$this->assertSame( 'trash', $found['status'] );
	}

	public function test_a_protected_key_without_an_auth_callback_is_not_writable_over_rest(): void {
		// The WordPress 6.1 fact the registration relies on: show_in_rest alone does not make a protected key
		// writable (map_meta_cap's edit_post_meta refuses protected keys unless an auth_callback allows them).
		register_post_meta(
			'post',
			'_igny8_test_no_auth',
			array(
				'type'         => 'string',
				'single'       => true,
				'show_in_rest' => true,
			)
		);
		try {
			$post_id  = $this->make_post( array( 'post_author' => $this->publisher['id'] ) );
			$response = $this->rest( 'POST', "/wp/v2/posts/{$post_id}", array( 'meta' => array( '_igny8_test_no_auth' => 'x' ) ), $this->publisher['id'] );
			$this->assertErrorCode( 403, 'rest_cannot_update', $response, 'protected key without auth_callback' );
			$response = $this->rest( 'POST', "/wp/v2/posts/{$post_id}", array( 'meta' => array( PostMeta::SEO_TITLE => 'x' ) ), $this->publisher['id'] );
			$this->assertStatus( 200, $response, 'our protected key, with its auth_callback' );
		} finally {
			unregister_post_meta( 'post', '_igny8_test_no_auth' );
		}
	}

	public function test_only_users_who_may_edit_the_post_write_its_meta(): void {
		$post_id  = $this->make_post( array( 'post_status' => 'publish' ) );
		$response = $this->rest( 'POST', "/wp/v2/posts/{$post_id}", array( 'meta' => array( PostMeta::CONTENT_ID => wp_generate_uuid4() ) ), $this->user_id( 'author' ) );
		$this->assertErrorCode( 403, 'rest_cannot_edit', $response, 'another Author' );
		$this->assertSame( '', get_post_meta( $post_id, PostMeta::CONTENT_ID, true ) );

		$this->assertFalse( PostMeta::can_edit_meta( true, PostMeta::CONTENT_ID, $post_id, $this->user_id( 'author' ) ) );
		$this->assertFalse( PostMeta::can_edit_meta( true, PostMeta::CONTENT_ID, $post_id, $this->publisher['id'] ), 'the publisher, on a post that is not IGNY8\'s' );
		$this->assertTrue( PostMeta::can_edit_meta( false, PostMeta::CONTENT_ID, $post_id, $this->user_id( 'editor' ) ) );

		$response = $this->rest( 'POST', "/wp/v2/posts/{$post_id}", array( 'meta' => array( PostMeta::CONTENT_ID => 'not-a-uuid' ) ), $this->user_id( 'editor' ) );
		// Meta values are validated by the meta step, after the post is saved (hence meta_input for the id).
		$this->assertErrorCode( 400, 'rest_invalid_pattern', $response, 'not a uuid' );
		$response = $this->rest( 'POST', "/wp/v2/posts/{$post_id}", array( 'meta' => array( PostMeta::SEO_TITLE => str_repeat( 'x', PostMeta::SEO_TITLE_MAX + 1 ) ) ), $this->user_id( 'editor' ) );
		$this->assertErrorCode( 400, 'rest_too_long', $response, 'SEO title too long' );
	}

	public function test_the_content_id_is_stored_with_the_post_even_when_the_request_fails_after_the_insert(): void {
		// wp/v2 creates the post, then sets the featured image, terms and meta: a meta key the user may not write
		// answers 403 for a post that already exists. The content id must be on it, or a retry would duplicate it.
		register_post_meta(
			'post',
			'_igny8_test_no_auth',
			array(
				'type'         => 'string',
				'single'       => true,
				'show_in_rest' => true,
			)
		);
		try {
			$content_id = wp_generate_uuid4();
			$response   = $this->rest(
				'POST',
				'/wp/v2/posts',
				array(
					'title'  => 'Fails after the insert',
					'status' => 'draft',
					'meta'   => array(
						PostMeta::CONTENT_ID  => $content_id,
						'_igny8_test_no_auth' => 'x',
					),
				),
				$this->publisher['id']
			);
		} finally {
			unregister_post_meta( 'post', '_igny8_test_no_auth' );
		}
		$this->assertErrorCode( 403, 'rest_cannot_update', $response );
		$found = $this->lookup( $content_id );
		$this->assertStatus( 200, $found, 'the post exists and carries the id' );
		$post_id = $this->forget_post( $this->data( $found )['postId'] );
		$this->assertSame( 'Fails after the insert', get_post( $post_id )->post_title );

		// Meta values are validated after the insert too: an SEO title over the limit.
		$content_id = wp_generate_uuid4();
		$response   = $this->rest(
			'POST',
			'/wp/v2/posts',
			array(
				'title' => 'Too long a title',
				'meta'  => array(
					PostMeta::CONTENT_ID => $content_id,
					PostMeta::SEO_TITLE  => str_repeat( 'x', PostMeta::SEO_TITLE_MAX + 1 ),
				),
			),
			$this->publisher['id']
		);
		$this->assertErrorCode( 400, 'rest_too_long', $response );
		$found = $this->lookup( $content_id );
		$this->assertStatus( 200, $found, 'the post exists and carries the id' );
		$this->forget_post( $this->data( $found )['postId'] );
	}

	public function test_an_invalid_featured_image_is_ignored_silently_on_create(): void {
		// WordPress 6.1 fact the server must know: wp/v2 ignores handle_featured_media()'s error on create and on
		// update, answering 201/200 with featured_media 0. The server checks the id it gets back.
		$response = $this->rest(
			'POST',
			'/wp/v2/posts',
			array(
				'title'          => 'No such image',
				'featured_media' => 987654321,
			),
			$this->publisher['id']
		);
		$this->assertStatus( 201, $response );
		$post_id = $this->forget_post( $this->data( $response )['id'] );
		$this->assertSame( 0, $this->data( $response )['featured_media'] );
		$response = $this->rest( 'POST', "/wp/v2/posts/{$post_id}", array( 'featured_media' => 987654321 ), $this->publisher['id'] );
		$this->assertStatus( 200, $response, 'update' );
		$this->assertSame( 0, $this->data( $response )['featured_media'] );
	}

	public function test_republishing_a_trashed_post_restores_it_with_its_slug(): void {
		$content_id = wp_generate_uuid4();
		$response   = $this->rest(
			'POST',
			'/wp/v2/posts',
			array(
				'title'  => 'Back from the trash',
				'slug'   => 'back-from-the-trash',
				'status' => 'publish',
				'meta'   => array( PostMeta::CONTENT_ID => $content_id ),
			),
			$this->publisher['id']
		);
		$this->assertStatus( 201, $response );
		$post_id = $this->forget_post( $this->data( $response )['id'] );
		$this->assertStatus( 200, $this->rest( 'DELETE', "/wp/v2/posts/{$post_id}", null, $this->publisher['id'] ), 'unpublish' );
		$this->assertSame( 'back-from-the-trash__trashed', get_post( $post_id )->post_name );

		$found = $this->data( $this->lookup( $content_id ) );
		$this->assertSame( array( $post_id, 'trash' ), array( $found['postId'], $found['status'] ) );
		$response = $this->rest(
			'POST',
			"/wp/v2/posts/{$post_id}",
			array(
				'status' => 'publish',
				'slug'   => 'back-from-the-trash',
				'meta'   => array( PostMeta::CONTENT_ID => $content_id ),
			),
			$this->publisher['id']
		);
		$this->assertStatus( 200, $response, 'republish from the trash' );
		$this->assertSame( 'publish', get_post_status( $post_id ) );
		$this->assertSame( 'back-from-the-trash', get_post( $post_id )->post_name );
		$this->assertSame( $post_id, $this->data( $this->lookup( $content_id ) )['postId'] );
	}

	public function test_what_an_author_may_not_do_on_wordpress_6_1(): void {
		$this->server->uninstall();
		$auth = $this->publisher_auth();

		list( $status, $body ) = $this->http( 'POST', '/wp-json/wp/v2/categories', array( 'name' => 'IGNY8 never created' ), $auth );
		$this->assertSame( 403, $status );
		$this->assertSame( 'rest_cannot_create', $body['code'] );
		// Tags are not hierarchical: creating one needs assign_terms (edit_posts), which an Author has.
		list( $status, $body ) = $this->http( 'POST', '/wp-json/wp/v2/tags', array( 'name' => 'igny8-test-tag-' . bin2hex( random_bytes( 4 ) ) ), $auth );
		$this->assertSame( 201, $status, (string) wp_json_encode( $body ) );
		$this->forget_term( (int) $body['id'], 'post_tag' );

		list( $status, $body ) = $this->http(
			'POST',
			'/wp-json/wp/v2/posts',
			array(
				'title'  => 'As someone else',
				'author' => $this->user_id( 'editor' ),
			),
			$auth
		);
		$this->assertSame( 403, $status );
		$this->assertSame( 'rest_cannot_edit_others', $body['code'] );

		list( $status, $body ) = $this->http( 'POST', '/wp-json/wp/v2/pages', array( 'title' => 'A page' ), $auth );
		$this->assertSame( 403, $status, 'an Author cannot create pages' );
		$this->assertSame( 'rest_cannot_create', $body['code'] );
	}
}
