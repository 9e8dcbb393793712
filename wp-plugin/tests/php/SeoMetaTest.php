<?php
/**
 * SEO title and description: copied into Yoast SEO's or Rank Math's fields when one of them is active (simulated
 * with the igny8_active_seo_plugin filter, and once with Yoast's real constant in a separate process), printed
 * by the plugin on the post's page when neither is (checked over HTTP on the harness's theme).
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Tests;

use IGNY8\Publishing\PostMeta;
use IGNY8\Publishing\SeoMeta;
use WP_Query;

/**
 * SEO meta.
 */
final class SeoMetaTest extends PublishingTestCase {

	/** @var string|null What the igny8_active_seo_plugin filter answers (null: no filter). */
	private ?string $simulated = null;

	protected function setUp(): void {
		parent::setUp();
		add_filter( 'igny8_active_seo_plugin', array( $this, 'simulated_plugin' ) );
	}

	protected function tearDown(): void {
		remove_filter( 'igny8_active_seo_plugin', array( $this, 'simulated_plugin' ) );
		parent::tearDown();
	}

	/**
	 * The filter.
	 *
	 * @param string $detected What the plugin detected.
	 */
	public function simulated_plugin( $detected ): string {
		return $this->simulated ?? $detected;
	}

	/**
	 * The publisher creates a post with SEO meta through wp/v2 in-process.
	 *
	 * @param array<string, mixed> $meta Meta.
	 */
	private function publish_with( array $meta ): int {
		$response = $this->rest(
			'POST',
			'/wp/v2/posts',
			array(
				'title'  => 'SEO',
				'status' => 'publish',
				'meta'   => array( PostMeta::CONTENT_ID => wp_generate_uuid4() ) + $meta,
			),
			$this->publisher['id']
		);
		$this->assertStatus( 201, $response );
		return $this->forget_post( $this->data( $response )['id'] );
	}

	/**
	 * The publisher updates a post's meta through wp/v2 in-process.
	 *
	 * @param int                  $post_id Post.
	 * @param array<string, mixed> $meta    Meta.
	 */
	private function update_with( int $post_id, array $meta ): void {
		$this->assertStatus( 200, $this->rest( 'POST', "/wp/v2/posts/{$post_id}", array( 'meta' => $meta ), $this->publisher['id'] ) );
	}

	/** @return array<string, array{0: string}> */
	public function seo_plugins(): array {
		return array(
			'Yoast SEO' => array( SeoMeta::YOAST ),
			'Rank Math' => array( SeoMeta::RANK_MATH ),
		);
	}

	/**
	 * @dataProvider seo_plugins
	 *
	 * @param string $plugin SeoMeta::YOAST or SeoMeta::RANK_MATH.
	 */
	public function test_the_meta_is_copied_into_the_active_seo_plugins_fields( string $plugin ): void {
		$this->simulated = $plugin;
		$this->assertSame( $plugin, SeoMeta::active_plugin() );
		$theirs  = SeoMeta::MIRRORS[ $plugin ];
		$others  = SeoMeta::MIRRORS[ SeoMeta::YOAST === $plugin ? SeoMeta::RANK_MATH : SeoMeta::YOAST ];
		$post_id = $this->publish_with(
			array(
				PostMeta::SEO_TITLE       => 'Best <em>running</em> shoes & socks',
				PostMeta::SEO_DESCRIPTION => 'How to choose them.',
			)
		);
		$this->assertSame( 'Best running shoes & socks', get_post_meta( $post_id, $theirs[ PostMeta::SEO_TITLE ], true ), 'sanitized as stored' );
		$this->assertSame( 'How to choose them.', get_post_meta( $post_id, $theirs[ PostMeta::SEO_DESCRIPTION ], true ) );
		foreach ( $others as $key ) {
			$this->assertSame( array(), get_post_meta( $post_id, $key ), "nothing written for the other plugin ({$key})" );
		}

		// Republish with a new title only: the description's copy stays.
		$this->update_with( $post_id, array( PostMeta::SEO_TITLE => 'Running shoes, compared' ) );
		$this->assertSame( 'Running shoes, compared', get_post_meta( $post_id, $theirs[ PostMeta::SEO_TITLE ], true ) );
		$this->assertSame( 'How to choose them.', get_post_meta( $post_id, $theirs[ PostMeta::SEO_DESCRIPTION ], true ) );

		// A person edits the SEO plugin's field; a save without our SEO meta leaves it alone.
		update_post_meta( $post_id, $theirs[ PostMeta::SEO_TITLE ], 'Edited in the SEO plugin' );
		$this->update_with( $post_id, array( PostMeta::CONTENT_ID => get_post_meta( $post_id, PostMeta::CONTENT_ID, true ) ) );
		$this->assertSame( 'Edited in the SEO plugin', get_post_meta( $post_id, $theirs[ PostMeta::SEO_TITLE ], true ) );

		// An empty value removes the copy, so the SEO plugin falls back to its default.
		$this->update_with( $post_id, array( PostMeta::SEO_DESCRIPTION => '' ) );
		$this->assertSame( array(), get_post_meta( $post_id, $theirs[ PostMeta::SEO_DESCRIPTION ] ) );

		// The plugin prints nothing itself: the SEO plugin does.
		$this->assertSame( array( '', '' ), $this->front_end( $post_id ) );
	}

	public function test_nothing_is_copied_without_an_seo_plugin_and_another_plugin_silences_the_output(): void {
		$this->simulated = null;
		$this->assertSame( '', SeoMeta::active_plugin(), 'the harness runs neither Yoast nor Rank Math' );
		$post_id = $this->publish_with(
			array(
				PostMeta::SEO_TITLE       => 'Our title',
				PostMeta::SEO_DESCRIPTION => 'Our description',
			)
		);
		foreach ( SeoMeta::MIRRORS as $keys ) {
			foreach ( $keys as $key ) {
				$this->assertSame( array(), get_post_meta( $post_id, $key ), $key );
			}
		}
		list( $title, $head ) = $this->front_end( $post_id );
		$this->assertSame( 'Our title', $title );
		$this->assertSame( '<meta name="description" content="Our description" />' . "\n", $head );

		$this->simulated = 'other';
		$this->assertSame( array( '', '' ), $this->front_end( $post_id ), 'another SEO plugin owns the head' );
	}

	public function test_the_front_end_prints_our_title_and_description_escaped_when_no_seo_plugin_is_active(): void {
		$this->server->uninstall(); // Real HTTP to the harness's theme.
		$post_id = $this->publish_with(
			array(
				PostMeta::SEO_TITLE       => 'Tips & "tricks" <script>alert(1)</script>',
				PostMeta::SEO_DESCRIPTION => 'Quotes " and \' and <tags> & ampersands',
			)
		);
		$stored = get_post_meta( $post_id, PostMeta::SEO_TITLE, true );
		$this->assertStringNotContainsString( '<script', $stored );

		$response = wp_remote_get( get_permalink( $post_id ), array( 'redirection' => 0 ) );
		$this->assertFalse( is_wp_error( $response ) );
		$this->assertSame( 200, wp_remote_retrieve_response_code( $response ) );
		$html = (string) wp_remote_retrieve_body( $response );
		$this->assertSame( 1, substr_count( $html, '<title>' ), 'one title' );
		$this->assertStringContainsString( '<title>' . esc_html( $stored ) . '</title>', $html );
		$this->assertStringContainsString( '<title>Tips &amp; &quot;tricks&quot;</title>', $html, 'the script and its text are gone' );
		$this->assertSame( 1, substr_count( $html, '<meta name="description"' ), 'one description' );
		$this->assertStringContainsString( '<meta name="description" content="Quotes &quot; and &#039; and &amp; ampersands" />', $html );
		$this->assertStringNotContainsString( 'alert(1)', $html );

		// A post without our meta keeps the theme's own title and gets no description from us.
		$plain    = $this->make_post( array( 'post_status' => 'publish' ) );
		$response = wp_remote_get( get_permalink( $plain ), array( 'redirection' => 0 ) );
		$html     = (string) wp_remote_retrieve_body( $response );
		$this->assertStringContainsString( '<title>IGNY8 test post', $html );
		$this->assertStringNotContainsString( '<meta name="description"', $html );
	}

	/**
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_with_yoasts_real_constant_the_fields_are_yoasts(): void {
		define( 'WPSEO_VERSION', '99.0-igny8-test' );
		$this->simulated = null;
		$this->assertSame( SeoMeta::YOAST, SeoMeta::active_plugin() );
		$post_id = $this->publish_with(
			array(
				PostMeta::SEO_TITLE       => 'Yoast title',
				PostMeta::SEO_DESCRIPTION => 'Yoast description',
			)
		);
		$this->assertSame( 'Yoast title', get_post_meta( $post_id, '_yoast_wpseo_title', true ) );
		$this->assertSame( 'Yoast description', get_post_meta( $post_id, '_yoast_wpseo_metadesc', true ) );
		$this->assertSame( array( '', '' ), $this->front_end( $post_id ) );
	}

	/**
	 * What the post's page gets from the plugin, rendered in-process: [the pre_get_document_title answer ('' lets
	 * WordPress or the SEO plugin build the title), the description tags wp_head prints].
	 *
	 * @param int $post_id Post.
	 * @return array{0: string, 1: string}
	 */
	private function front_end( int $post_id ): array {
		global $wp_query, $wp_the_query;
		$saved = array( $wp_query, $wp_the_query );
		// phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited -- the main query of a visit to the post, restored below.
		$wp_query     = new WP_Query( array( 'p' => $post_id ) );
		$wp_the_query = $wp_query; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited
		try {
			$this->assertTrue( is_singular( 'post' ) );
			// The hooks as registered by the plugin: the whole wp_head, keeping only description tags.
			ob_start();
			try {
				do_action( 'wp_head' );
			} finally {
				$html = (string) ob_get_clean();
			}
			preg_match_all( '/<meta name="description"[^>]*>\n?/', $html, $matches );
			return array( (string) apply_filters( 'pre_get_document_title', '' ), implode( '', $matches[0] ) );
		} finally {
			list( $wp_query, $wp_the_query ) = $saved; // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited
		}
	}
}
