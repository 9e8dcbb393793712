<?php
/**
 * The default author (option igny8_default_author) applied to IGNY8 posts the publishing user saves, and the
 * publishing user's continued right to update and trash those posts once they belong to someone else.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Tests;

use IGNY8\Publishing\Authorship;
use IGNY8\Publishing\PostMeta;
use WP_REST_Response;

/**
 * Authorship.
 */
final class AuthorshipTest extends PublishingTestCase {

	/**
	 * Creates a post through wp/v2 in-process.
	 *
	 * @param int                  $user_id    As this user.
	 * @param string|null          $content_id Our content id, or none.
	 * @param array<string, mixed> $fields     More fields.
	 */
	private function create( int $user_id, ?string $content_id, array $fields = array() ): WP_REST_Response {
		$body = array_merge(
			array(
				'title'  => 'Authored',
				'status' => 'publish',
			),
			$fields
		);
		if ( null !== $content_id ) {
			$body['meta'] = array( PostMeta::CONTENT_ID => $content_id ) + ( $fields['meta'] ?? array() );
		}
		$response = $this->rest( 'POST', '/wp/v2/posts', $body, $user_id );
		if ( in_array( $response->get_status(), array( 200, 201 ), true ) ) {
			$this->forget_post( $this->data( $response )['id'] );
		}
		return $response;
	}

	public function test_the_default_author_owns_what_the_publisher_publishes_and_the_publisher_can_still_maintain_it(): void {
		$editor = $this->user_id( 'editor' );
		update_option( Authorship::DEFAULT_AUTHOR_OPTION, (string) $editor );
		$content_id = wp_generate_uuid4();

		$response = $this->create( $this->publisher['id'], $content_id, array( 'meta' => array( PostMeta::SEO_TITLE => 'SEO' ) ) );
		$this->assertStatus( 201, $response, 'create' );
		$post_id = $this->data( $response )['id'];
		$this->assertSame( $editor, (int) get_post( $post_id )->post_author, 'written with the default author in one insert' );
		$this->assertSame( $editor, $this->data( $response )['author'] );
		$this->assertSame( 'SEO', get_post_meta( $post_id, PostMeta::SEO_TITLE, true ), 'the meta step passed on a post that is no longer its own' );
		$this->assertCount( 0, wp_get_post_revisions( $post_id ), 'no second save to change the author' );

		// Republish (update), read back in the edit context, then unpublish (trash): all as the publisher.
		$response = $this->rest(
			'POST',
			"/wp/v2/posts/{$post_id}",
			array(
				'title' => 'Updated',
				'meta'  => array( PostMeta::SEO_TITLE => 'SEO 2' ),
			),
			$this->publisher['id']
		);
		$this->assertStatus( 200, $response, 'republish' );
		$this->assertSame( 'Updated', get_post( $post_id )->post_title );
		$this->assertSame( $editor, (int) get_post( $post_id )->post_author );
		$this->assertStatus( 200, $this->rest( 'GET', "/wp/v2/posts/{$post_id}", null, $this->publisher['id'], array( 'context' => 'edit' ) ), 'read back' );
		$response = $this->rest( 'DELETE', "/wp/v2/posts/{$post_id}", null, $this->publisher['id'] );
		$this->assertStatus( 200, $response, 'trash' );
		$this->assertSame( 'trash', get_post_status( $post_id ) );

		// Its role is unchanged: an Author's capabilities, without unfiltered HTML.
		$this->assertFalse( user_can( $this->publisher['id'], 'edit_others_posts' ) );
		$this->assertFalse( user_can( $this->publisher['id'], 'unfiltered_html' ), 'WordPress still filters its HTML' );
	}

	public function test_the_grant_covers_only_posts_carrying_our_content_id_and_only_the_publisher(): void {
		$someone_elses = $this->make_post( array( 'post_author' => $this->user_id( 'editor' ) ) );
		$this->assertErrorCode( 403, 'rest_cannot_edit', $this->rest( 'POST', "/wp/v2/posts/{$someone_elses}", array( 'title' => 'Hijack' ), $this->publisher['id'] ), 'a post without our id' );
		$this->assertErrorCode( 403, 'rest_cannot_delete', $this->rest( 'DELETE', "/wp/v2/posts/{$someone_elses}", null, $this->publisher['id'] ), 'trash a post without our id' );

		$igny8_post = $this->make_post( array( 'post_author' => $this->user_id( 'editor' ) ), wp_generate_uuid4() );
		$this->assertTrue( user_can( $this->publisher['id'], 'edit_post', $igny8_post ) );
		$this->assertFalse( user_can( $this->user_id( 'author' ), 'edit_post', $igny8_post ), 'other Authors gain nothing' );
		$this->assertErrorCode( 403, 'rest_cannot_edit', $this->rest( 'POST', "/wp/v2/posts/{$igny8_post}", array( 'title' => 'Hijack' ), $this->user_id( 'author' ) ), 'another Author' );

		// Not connected: no publishing user, no grant.
		delete_option( \IGNY8\Connection\KeyStore::CONNECTION_OPTION );
		$this->assertSame( 0, Authorship::publishing_user_id() );
		$this->assertFalse( user_can( $this->publisher['id'], 'edit_post', $igny8_post ) );
	}

	public function test_the_default_author_is_applied_only_with_care(): void {
		$content_id = wp_generate_uuid4();

		// No option: the publisher is the author.
		$response = $this->create( $this->publisher['id'], $content_id );
		$this->assertSame( $this->publisher['id'], $this->data( $response )['author'], 'no default author' );

		// A user who may not edit posts (a subscriber), a deleted user, the publisher itself: ignored.
		foreach ( array( $this->make_user( 'subscriber' ), 999999999, $this->publisher['id'] ) as $bad ) {
			update_option( Authorship::DEFAULT_AUTHOR_OPTION, $bad );
			$response = $this->create( $this->publisher['id'], wp_generate_uuid4() );
			$this->assertStatus( 201, $response );
			$this->assertSame( $this->publisher['id'], $this->data( $response )['author'], "default author {$bad} ignored" );
		}

		$editor = $this->user_id( 'editor' );
		update_option( Authorship::DEFAULT_AUTHOR_OPTION, $editor );

		// Without our content id, or by anyone but the publisher: left alone.
		$this->assertSame( $this->publisher['id'], $this->data( $this->create( $this->publisher['id'], null ) )['author'], 'no content id' );
		$author = $this->user_id( 'author' );
		$this->assertSame( $author, $this->data( $this->create( $author, wp_generate_uuid4() ) )['author'], 'another Author with a content id' );

		// An IGNY8 post the publisher still owns moves to the default author when republished.
		$post_id = $this->data( $response )['id'];
		$this->assertSame( $this->publisher['id'], (int) get_post( $post_id )->post_author );
		$this->assertStatus( 200, $this->rest( 'POST', "/wp/v2/posts/{$post_id}", array( 'title' => 'Again' ), $this->publisher['id'] ) );
		$this->assertSame( $editor, (int) get_post( $post_id )->post_author );

		// A post someone reassigned stays with the person it was given to.
		wp_update_post(
			array(
				'ID'          => $post_id,
				'post_author' => $this->user_id( 'admin' ),
			)
		);
		$this->assertStatus( 200, $this->rest( 'POST', "/wp/v2/posts/{$post_id}", array( 'title' => 'Once more' ), $this->publisher['id'] ) );
		$this->assertSame( $this->user_id( 'admin' ), (int) get_post( $post_id )->post_author );
	}
}
