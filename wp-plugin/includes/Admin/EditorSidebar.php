<?php
/**
 * The IGNY8 sidebar of the block editor (src/editor/): write a draft for the post being edited, improve or
 * regenerate the selected block, make its featured image, and its SEO title and description.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Admin;

use IGNY8\Connection\Connection;
use IGNY8\Connection\KeyStore;
use IGNY8\Plugin;
use IGNY8\Publishing\PostMeta;

defined( 'ABSPATH' ) || exit;

/**
 * Enqueues the `editor-sidebar` script in the post editor, for users who may edit posts, on the post types whose
 * IGNY8 meta is registered (PostMeta::POST_TYPES). The script reaches the IGNY8 API only through igny8/v1/app
 * (edit_posts) and igny8/v1/editor-images (the featured image, Rest/EditorImageController), and writes the SEO
 * fields as post meta saved with the post.
 */
final class EditorSidebar {

	public const ENTRY = 'editor-sidebar';

	/** Hooks into WordPress (admin only). */
	public function register_hooks(): void {
		add_action( 'enqueue_block_editor_assets', array( $this, 'enqueue' ) );
	}

	/**
	 * Whether the sidebar belongs on this screen: the post editor (not the site or widgets editor) of a post type
	 * IGNY8 writes, for a user with edit_posts.
	 *
	 * @param \WP_Screen|null $screen Current screen.
	 */
	public static function applies_to( $screen ): bool {
		return $screen instanceof \WP_Screen
			&& 'post' === $screen->base
			&& in_array( $screen->post_type, PostMeta::POST_TYPES, true )
			&& current_user_can( 'edit_posts' );
	}

	/** enqueue_block_editor_assets. */
	public function enqueue(): void {
		if ( ! self::applies_to( function_exists( 'get_current_screen' ) ? get_current_screen() : null ) ) {
			return;
		}
		if ( ! Assets::enqueue_entry( self::ENTRY ) ) {
			return;
		}
		wp_add_inline_script(
			Assets::handle( self::ENTRY ),
			'window.igny8Editor = ' . wp_json_encode( self::settings() ) . ';',
			'before'
		);
	}

	/**
	 * What the sidebar needs to know before calling anything: whether the site is connected, where to connect it
	 * (for those who may), the credit balance as the server last reported it to the site (the browser's route to
	 * the server does not reach billing; refreshed by a heartbeat when older than a minute, as on the Dashboard),
	 * and whether the user may add images to the media library.
	 *
	 * @return array<string, bool|int|float|string|null>
	 */
	public static function settings(): array {
		$connected = null !== ( new KeyStore() )->connection();
		$credits   = $connected ? ( ( new Connection() )->status()['credits']['balance'] ?? null ) : null;
		return array(
			'connected'     => $connected,
			'connectionUrl' => Plugin::can_manage_connection() ? admin_url( 'admin.php?page=' . ConnectionScreen::SLUG ) : null,
			'credits'       => is_int( $credits ) || is_float( $credits ) ? $credits : null,
			'canUpload'     => current_user_can( 'upload_files' ),
		);
	}
}
