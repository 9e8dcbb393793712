<?php
/**
 * IGNY8 > Settings.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Admin;

use IGNY8\Connection\Connection;
use IGNY8\Plugin;

defined( 'ABSPATH' ) || exit;

/**
 * Administrators' settings: the connection at a glance (managed on IGNY8 > Connection), the publishing defaults
 * (post status, author, category: igny8/v1/settings), the site's writing defaults kept by the server (language
 * and voice: `sites/<site>` through igny8/v1/app) and the credits (the account's balance, this site's usage). The
 * screen is the `settings` script (src/admin/settings/).
 */
final class SettingsScreen extends ScriptScreen {

	public const SLUG = 'igny8-settings';

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
		return Plugin::CAPABILITY_MANAGE_CONNECTION;
	}

	/**
	 * {@inheritDoc}
	 */
	public function page_title(): string {
		return __( 'IGNY8 Settings', 'igny8' );
	}

	/**
	 * {@inheritDoc}
	 */
	public function menu_title(): string {
		return __( 'Settings', 'igny8' );
	}

	/**
	 * {@inheritDoc}
	 */
	protected function entry(): string {
		return 'settings';
	}

	/**
	 * {@inheritDoc}
	 */
	protected function state_global(): string {
		return 'igny8SettingsScreen';
	}

	/**
	 * {@inheritDoc}
	 */
	protected function state(): array {
		// Refreshed by a heartbeat when older than a minute (at most one try a minute when the server is down).
		$status = ( new Connection() )->status();
		return array(
			'connection' => array(
				'connected'     => $status['connected'],
				'accountName'   => $status['accountName'],
				'serverUrl'     => $status['serverUrl'],
				'siteUrl'       => $status['siteUrl'],
				'lastContactAt' => $status['lastContactAt'],
				'publisherUser' => $status['publisherUser'],
			),
		);
	}
}
