<?php
/**
 * IGNY8 > Dashboard.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Admin;

use IGNY8\Connection\Connection;
use IGNY8\Plugin;

defined( 'ABSPATH' ) || exit;

/**
 * The landing screen: the credit balance, the site's keyword, cluster, idea and task counts and its latest keyword
 * imports. The screen is the `dashboard` script (src/admin/dashboard/); the credit balance comes from here, as the
 * server reports it to the site (the browser's route to the server does not reach billing).
 */
final class DashboardScreen implements Screen {

	public const SLUG = 'igny8';

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
	public function enqueue(): void {
		$this->script_enqueued = Assets::enqueue_entry( 'dashboard' );
		if ( ! $this->script_enqueued ) {
			return;
		}
		// Refreshed by a heartbeat when older than a minute (at most one try a minute when the server is down).
		$status  = ( new Connection() )->status();
		$credits = $status['credits']['balance'] ?? null;
		ScreenRoot::inline_state(
			'dashboard',
			'igny8Dashboard',
			array(
				'connected'           => $status['connected'],
				'accountName'         => $status['accountName'],
				'credits'             => is_int( $credits ) || is_float( $credits ) ? $credits : null,
				'plannerUrl'          => admin_url( 'admin.php?page=' . PlannerScreen::SLUG ),
				'connectionUrl'       => admin_url( 'admin.php?page=' . ConnectionScreen::SLUG ),
				'canManageConnection' => Plugin::can_manage_connection(),
			)
		);
	}

	/**
	 * {@inheritDoc}
	 */
	public function render(): void {
		Plugin::require_capability( $this->capability() );
		ScreenRoot::render( 'dashboard', __( 'IGNY8', 'igny8' ), $this->script_enqueued );
	}
}
