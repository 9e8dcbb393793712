<?php
/**
 * IGNY8 > Planner.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Admin;

use IGNY8\Connection\KeyStore;
use IGNY8\Plugin;

defined( 'ABSPATH' ) || exit;

/**
 * Keywords (import, filters, bulk actions), clusters and ideas of this site. The screen is the `planner` script
 * (src/admin/planner/), which reaches the IGNY8 API only through igny8/v1/app (edit_posts there too).
 */
final class PlannerScreen implements Screen {

	public const SLUG = 'igny8-planner';

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
	public function enqueue(): void {
		$this->script_enqueued = Assets::enqueue_entry( 'planner' );
		if ( $this->script_enqueued ) {
			ScreenRoot::inline_state(
				'planner',
				'igny8Planner',
				array(
					'connected'           => null !== ( new KeyStore() )->connection(),
					'maxImportBytes'      => self::max_import_bytes(),
					'connectionUrl'       => admin_url( 'admin.php?page=' . ConnectionScreen::SLUG ),
					'canManageConnection' => Plugin::can_manage_connection(),
				)
			);
		}
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

	/**
	 * {@inheritDoc}
	 */
	public function render(): void {
		Plugin::require_capability( $this->capability() );
		ScreenRoot::render( 'planner', $this->page_title(), $this->script_enqueued );
	}
}
