<?php
/**
 * GET igny8/v1/content/<content id>: what the server asks before every create. Finds the post in every status
 * (drafts, scheduled, private, trash), pages too, answers the oldest of duplicates, and only to the server's
 * signature.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Tests;

use IGNY8\Connection\Signature;
use IGNY8\Publishing\PostMeta;

/**
 * Content lookup route.
 */
final class ContentLookupTest extends PublishingTestCase {

	public function test_it_finds_the_post_in_every_status(): void {
		$statuses = array(
			'draft'   => array(),
			'pending' => array(),
			'private' => array(),
			'future'  => array( 'post_date' => gmdate( 'Y-m-d H:i:s', time() + 86400 ) ),
			'publish' => array(),
		);
		foreach ( $statuses as $status => $fields ) {
			$content_id = wp_generate_uuid4();
			$post_id    = $this->make_post( array_merge( array( 'post_status' => $status ), $fields ), $content_id );
			$response   = $this->lookup( $content_id );
			$this->assertStatus( 200, $response, $status );
			$data = $this->data( $response );
			$this->assertSame( $post_id, $data['postId'], $status );
			$this->assertSame( $status, $data['status'] );
			$this->assertSame( 'post', $data['type'] );
			$this->assertSame( get_permalink( $post_id ), $data['link'] );
			$this->assertSame( get_post_datetime( $post_id, 'modified' )->getTimestamp(), strtotime( $data['modified'] ), $status );
			$this->assertMatchesRegularExpression( '/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/', $data['modified'] );
			$this->assertArrayNotHasKey( 'duplicates', $data );
			$this->assertSame( 'no-store', $response->get_headers()['Cache-Control'] ?? null );

			wp_trash_post( $post_id );
			$data = $this->data( $this->lookup( $content_id ) );
			$this->assertSame( $post_id, $data['postId'], "{$status}, then trashed" );
			$this->assertSame( 'trash', $data['status'] );
		}

		$content_id = wp_generate_uuid4();
		$page_id    = $this->make_post( array( 'post_type' => 'page' ), $content_id );
		$data       = $this->data( $this->lookup( $content_id ) );
		$this->assertSame( $page_id, $data['postId'] );
		$this->assertSame( 'page', $data['type'] );
	}

	public function test_unknown_ids_and_other_post_types_are_not_found(): void {
		$content_id = wp_generate_uuid4();
		$response   = $this->lookup( $content_id );
		$this->assertErrorCode( 404, 'igny8_not_found', $response );
		$this->assertStringContainsString( $content_id, $this->data( $response )['message'] );

		// An attachment or a revision carrying the id is not "the content's post".
		$this->make_post( array( 'post_type' => 'attachment' ), $content_id );
		$this->assertErrorCode( 404, 'igny8_not_found', $this->lookup( $content_id ), 'attachment' );

		$this->assertErrorCode( 400, 'rest_invalid_param', $this->lookup( str_repeat( '-', 36 ) ), 'not a uuid' );
		$this->assertErrorCode( 400, 'rest_invalid_param', $this->lookup( strtoupper( wp_generate_uuid4() ) ), 'content ids are lower-case' );
	}

	public function test_duplicates_answer_the_oldest_and_list_the_others(): void {
		$content_id = wp_generate_uuid4();
		$first      = $this->make_post( array( 'post_date' => '2030-01-01 00:00:00' ), $content_id ); // Dated later, created first.
		$second     = $this->make_post( array( 'post_date' => '2001-01-01 00:00:00' ), $content_id );
		$third      = $this->make_post( array( 'post_status' => 'trash' ), $content_id );
		$data       = $this->data( $this->lookup( $content_id ) );
		$this->assertSame( $first, $data['postId'] );
		$this->assertSame( array( $second, $third ), $data['duplicates'] );
	}

	public function test_the_id_written_by_a_rest_create_is_found_at_once(): void {
		$content_id = wp_generate_uuid4();
		$this->assertErrorCode( 404, 'igny8_not_found', $this->lookup( $content_id ), 'before' );
		$response = $this->rest(
			'POST',
			'/wp/v2/posts',
			array(
				'title' => 'Created',
				'meta'  => array( PostMeta::CONTENT_ID => $content_id ),
			),
			$this->publisher['id']
		);
		$this->assertStatus( 201, $response );
		$post_id = $this->forget_post( $this->data( $response )['id'] );
		$this->assertSame( $post_id, $this->data( $this->lookup( $content_id ) )['postId'], 'no stale cached "not found"' );
	}

	public function test_only_the_servers_signature_opens_it(): void {
		$content_id = wp_generate_uuid4();
		$this->make_post( array(), $content_id );
		$route   = '/igny8/v1/content/' . $content_id;
		$key     = $this->connection['server'];
		$site_id = $this->connection['site_id'];

		// Unsigned, as a visitor and as an administrator (a login is not a signature).
		foreach ( array( 0, $this->user_id( 'admin' ), $this->publisher['id'] ) as $user_id ) {
			$this->assertErrorCode( 401, 'igny8_signature_invalid', $this->rest( 'GET', $route, null, $user_id ), "unsigned, user {$user_id}" );
		}

		// Signed with a key the site does not know, or with the right key id and another private key.
		$stranger = Signature::generate_key_pair();
		$this->assertErrorCode( 401, 'igny8_signature_invalid', $this->dispatch( $this->signed_request( 'GET', $route, '', $stranger, $site_id ) ), 'unknown key' );
		$forged = array(
			'key_id'  => $key['key_id'],
			'private' => $stranger['private'],
		);
		$this->assertErrorCode( 401, 'igny8_signature_invalid', $this->dispatch( $this->signed_request( 'GET', $route, '', $forged, $site_id ) ), 'wrong private key' );

		// Signed for another content id, another site id, or too long ago.
		$other = $this->signed_request( 'GET', $route, '', $key, $site_id, array( 'sign_url' => home_url( '/wp-json/igny8/v1/content/' . wp_generate_uuid4() ) ) );
		$this->assertErrorCode( 401, 'igny8_signature_invalid', $this->dispatch( $other ), 'signed for another id' );
		$response = $this->dispatch( $this->signed_request( 'GET', $route, '', $key, wp_generate_uuid4() ) );
		$this->assertSame( 401, $response->get_status(), 'another site id' );
		$this->assertErrorCode( 401, 'igny8_signature_expired', $this->dispatch( $this->signed_request( 'GET', $route, '', $key, $site_id, array( 'timestamp' => time() - 301 ) ) ), 'expired' );

		// The right signature, once.
		$nonce = Signature::new_nonce();
		$this->assertStatus( 200, $this->dispatch( $this->signed_request( 'GET', $route, '', $key, $site_id, array( 'nonce' => $nonce ) ) ), 'signed' );
		$this->assertErrorCode( 401, 'igny8_signature_replayed', $this->dispatch( $this->signed_request( 'GET', $route, '', $key, $site_id, array( 'nonce' => $nonce ) ) ), 'replayed' );
	}

	public function test_the_lookup_over_http_in_both_url_forms(): void {
		$this->server->uninstall();
		$content_id = wp_generate_uuid4();
		$post_id    = $this->make_post( array( 'post_status' => 'trash' ), $content_id );
		$base       = untrailingslashit( (string) IGNY8_TEST_HARNESS['url'] );
		foreach ( array( '/wp-json/igny8/v1/content/' . $content_id, '/?rest_route=/igny8/v1/content/' . $content_id ) as $path ) {
			$headers  = Signature::sign_request( 'GET', $base . $path, '', $this->connection['site_id'], home_url(), $this->connection['server']['key_id'], $this->connection['server']['private'] );
			$response = wp_remote_get(
				$base . $path,
				array(
					'headers'     => $headers,
					'redirection' => 0,
				)
			);
			$this->assertFalse( is_wp_error( $response ) );
			$this->assertSame( 200, wp_remote_retrieve_response_code( $response ), $path . ' ' . wp_remote_retrieve_body( $response ) );
			$data = json_decode( (string) wp_remote_retrieve_body( $response ), true );
			$this->assertSame( $post_id, $data['postId'] );
			$this->assertSame( 'trash', $data['status'] );
		}
	}
}
