<?php
/**
 * IGNY8 > Dashboard.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Admin;

use IGNY8\Connection\Connection;

defined( 'ABSPATH' ) || exit;

/**
 * The landing screen: the credit balance, the site's keyword, cluster, idea and task counts, its latest keyword
 * imports and its recent jobs (`jobs` through igny8/v1/app). The screen is the `dashboard` script
 * (src/admin/dashboard/); the credit balance comes from here, as the server reports it to the site (billing
 * through igny8/v1/app is for administrators only, and the Dashboard is for everyone who edits posts).
 */
final class DashboardScreen extends ScriptScreen {

	public const SLUG = 'igny8';

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
		return __( 'IGNY8 Dashboard', 'igny8' );
	}

	/**
	 * {@inheritDoc}
	 */
	public function menu_title(): string {
		return __( 'Dashboard', 'igny8' );
	}

	/**
	 * {@inheritDoc}
	 */
	protected function heading(): string {
		return __( 'IGNY8', 'igny8' );
	}

	/**
	 * {@inheritDoc}
	 */
	protected function entry(): string {
		return 'dashboard';
	}

	/**
	 * {@inheritDoc}
	 */
	protected function state_global(): string {
		return 'igny8Dashboard';
	}

	/**
	 * {@inheritDoc}
	 */
	protected function state(): array {
		// Refreshed by a heartbeat when older than a minute (at most one try a minute when the server is down).
		$status  = ( new Connection() )->status();
		$credits = $status['credits']['balance'] ?? null;
		return array(
			'connected'   => $status['connected'],
			'accountName' => $status['accountName'],
			'credits'     => is_int( $credits ) || is_float( $credits ) ? $credits : null,
			'plannerUrl'  => admin_url( 'admin.php?page=' . PlannerScreen::SLUG ),
		);
	}
}
