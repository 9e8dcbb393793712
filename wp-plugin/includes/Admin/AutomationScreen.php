<?php
/**
 * IGNY8 > Automation.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Admin;

use IGNY8\Connection\KeyStore;

defined( 'ABSPATH' ) || exit;

/**
 * The site's automation: the settings and schedule, Run now with a live view of the run's seven stages, the run
 * history and the review queue. The screen is the `automation` script (src/admin/automation/), which reaches the
 * IGNY8 API only through igny8/v1/app: anyone who can edit posts sees it; changing the settings, starting or
 * stopping a run and publishing from the queue need manage_options (AppController's allowlist).
 */
final class AutomationScreen extends ScriptScreen {

	public const SLUG = 'igny8-automation';

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
		return __( 'IGNY8 Automation', 'igny8' );
	}

	/**
	 * {@inheritDoc}
	 */
	public function menu_title(): string {
		return __( 'Automation', 'igny8' );
	}

	/**
	 * {@inheritDoc}
	 */
	protected function entry(): string {
		return 'automation';
	}

	/**
	 * {@inheritDoc}
	 */
	protected function state_global(): string {
		return 'igny8Automation';
	}

	/**
	 * {@inheritDoc}
	 */
	protected function state(): array {
		return array(
			'connected'   => null !== ( new KeyStore() )->connection(),
			'canManage'   => current_user_can( 'manage_options' ),
			'plannerUrl'  => admin_url( 'admin.php?page=' . PlannerScreen::SLUG ),
			'writerUrl'   => admin_url( 'admin.php?page=' . WriterScreen::SLUG ),
			'settingsUrl' => admin_url( 'admin.php?page=' . SettingsScreen::SLUG ),
		);
	}
}
