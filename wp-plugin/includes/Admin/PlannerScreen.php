<?php
/**
 * IGNY8 > Planner.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Admin;

use IGNY8\Connection\KeyStore;

defined( 'ABSPATH' ) || exit;

/**
 * Keywords (import, filters, bulk actions), clusters and ideas of this site. The screen is the `planner` script
 * (src/admin/planner/), which reaches the IGNY8 API only through igny8/v1/app (edit_posts there too).
 */
final class PlannerScreen extends ScriptScreen {

	public const SLUG = 'igny8-planner';

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
		return __( 'IGNY8 Planner', 'igny8' );
	}

	/**
	 * {@inheritDoc}
	 */
	public function menu_title(): string {
		return __( 'Planner', 'igny8' );
	}

	/**
	 * {@inheritDoc}
	 */
	protected function entry(): string {
		return 'planner';
	}

	/**
	 * {@inheritDoc}
	 */
	protected function state_global(): string {
		return 'igny8Planner';
	}

	/**
	 * {@inheritDoc}
	 */
	protected function state(): array {
		return array(
			'connected'      => null !== ( new KeyStore() )->connection(),
			'maxImportBytes' => self::max_import_bytes(),
		);
	}

	/**
	 * The largest keyword file the wizard sends. The file travels as JSON text in a REST POST to this site, so PHP's
	 * post_max_size bounds it (JSON escaping adds a little: a fifth is kept free); the server takes JSON imports up
	 * to 16 MB.
	 */
	public static function max_import_bytes(): int {
		$server_limit = 15 * 1024 * 1024;
		$post_max     = (int) wp_convert_hr_to_bytes( (string) ini_get( 'post_max_size' ) );
		return $post_max > 0 ? (int) min( $server_limit, floor( $post_max * 0.8 ) ) : $server_limit;
	}
}
