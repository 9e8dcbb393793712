<?php
/**
 * IGNY8 > Writer.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Admin;

use IGNY8\Connection\KeyStore;
use IGNY8\Plugin;

defined( 'ABSPATH' ) || exit;

/**
 * This site's writing tasks: write them, illustrate them, review (preview, versions and diffs, edits), approve and
 * publish. The screen is the `writer` script (src/admin/writer/), which reaches the IGNY8 API only through
 * igny8/v1/app (edit_posts; publishing needs publish_posts) and image previews through igny8/v1/images.
 */
final class WriterScreen implements Screen {

	public const SLUG = 'igny8-writer';

	/**
	 * The built script, or null before enqueue() ran.
	 *
	 * @var bool|null
	 */
	private ?bool $script_enqueued = null;

	/**
	 * {@inheritDoc}
	 */
	public function slug(): string {
		return self::SLUG;
	}

	/**
	 * {@inheritDoc}
	 */
	public function capability(): string {
		return Plugin::CAPABILITY_VIEW;
	}

	/**
	 * {@inheritDoc}
	 */
	public function page_title(): string {
		return __( 'IGNY8 Writer', 'igny8' );
	}

	/**
	 * {@inheritDoc}
	 */
	public function menu_title(): string {
		return __( 'Writer', 'igny8' );
	}

	/**
	 * {@inheritDoc}
	 */
	public function enqueue(): void {
		$this->script_enqueued = Assets::enqueue_entry( 'writer' );
		if ( $this->script_enqueued ) {
			ScreenRoot::inline_state(
				'writer',
				'igny8Writer',
				array(
					'connected'           => null !== ( new KeyStore() )->connection(),
					'canPublish'          => current_user_can( 'publish_posts' ),
					'connectionUrl'       => admin_url( 'admin.php?page=' . ConnectionScreen::SLUG ),
					'plannerUrl'          => admin_url( 'admin.php?page=' . PlannerScreen::SLUG ),
					'canManageConnection' => Plugin::can_manage_connection(),
					'imageUrl'            => rest_url( Plugin::REST_NAMESPACE . '/images/' ),
				)
			);
		}
	}

	/**
	 * {@inheritDoc}
	 */
	public function render(): void {
		Plugin::require_capability( $this->capability() );
		ScreenRoot::render( 'writer', $this->page_title(), $this->script_enqueued );
	}
}
