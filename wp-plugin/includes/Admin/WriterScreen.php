<?php
/**
 * IGNY8 > Writer.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Admin;

use IGNY8\Connection\KeyStore;
use IGNY8\Publishing\Defaults;
use IGNY8\Rest\RestController;

defined( 'ABSPATH' ) || exit;

/**
 * This site's writing tasks: write them, illustrate them, review (preview, versions and diffs, edits), approve and
 * publish. The screen is the `writer` script (src/admin/writer/), which reaches the IGNY8 API only through
 * igny8/v1/app (edit_posts; publishing needs publish_posts) and image previews through igny8/v1/images.
 */
final class WriterScreen extends ScriptScreen {

	public const SLUG = 'igny8-writer';

	/**
	 * {@inheritDoc}
	 */
	public function slug(): string {
		return self::SLUG;
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
	protected function entry(): string {
		return 'writer';
	}

	/**
	 * {@inheritDoc}
	 */
	protected function state_global(): string {
		return 'igny8Writer';
	}

	/**
	 * {@inheritDoc}
	 */
	protected function state(): array {
		return array(
			'connected'  => null !== ( new KeyStore() )->connection(),
			'canPublish' => current_user_can( 'publish_posts' ),
			'plannerUrl' => admin_url( 'admin.php?page=' . PlannerScreen::SLUG ),
			'imageUrl'   => rest_url( RestController::NAMESPACE . '/images/' ),
			// The publish form starts from IGNY8 > Settings' defaults.
			'publish'    => array(
				'status'   => Defaults::post_status(),
				'category' => Defaults::category_name(),
			),
		);
	}
}
