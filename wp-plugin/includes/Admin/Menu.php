<?php
/**
 * The IGNY8 admin menu.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Admin;

use IGNY8\Plugin;

defined( 'ABSPATH' ) || exit;

/**
 * Adds the IGNY8 top-level menu with one submenu page per screen, and loads each screen's assets on that screen only.
 */
final class Menu {

	/**
	 * The screens, in submenu order; the first one is also the top-level page.
	 *
	 * @var Screen[]
	 */
	private array $screens;

	/**
	 * Screens by the hook suffix WordPress gave their page (what admin_enqueue_scripts receives).
	 *
	 * @var array<string, Screen>
	 */
	private array $screens_by_hook_suffix = array();

	/**
	 * Creates the menu with the plugin's screens.
	 */
	public function __construct() {
		$this->screens = array( new DashboardScreen(), new PlannerScreen(), new WriterScreen(), new AutomationScreen(), new SettingsScreen(), new ConnectionScreen() );
	}

	/**
	 * Hooks the menu into wp-admin.
	 */
	public function register(): void {
		add_action( 'admin_menu', array( $this, 'add_pages' ) );
		add_action( 'admin_enqueue_scripts', array( $this, 'enqueue_screen_assets' ) );
	}

	/**
	 * Adds the menu pages (admin_menu).
	 */
	public function add_pages(): void {
		$top = $this->screens[0];
		add_menu_page(
			$top->page_title(),
			__( 'IGNY8', 'igny8' ),
			Plugin::CAPABILITY_VIEW,
			$top->slug(),
			array( $top, 'render' ),
			'dashicons-welcome-write-blog',
			30
		);
		foreach ( $this->screens as $screen ) {
			$hook_suffix = add_submenu_page(
				$top->slug(),
				$screen->page_title(),
				$screen->menu_title(),
				$screen->capability(),
				$screen->slug(),
				array( $screen, 'render' )
			);
			if ( is_string( $hook_suffix ) ) {
				$this->screens_by_hook_suffix[ $hook_suffix ] = $screen;
			}
		}
	}

	/**
	 * Enqueues the assets of the screen being shown, if it is one of ours (admin_enqueue_scripts).
	 *
	 * @param string $hook_suffix The current admin page's hook suffix.
	 */
	public function enqueue_screen_assets( $hook_suffix ): void {
		if ( is_string( $hook_suffix ) && isset( $this->screens_by_hook_suffix[ $hook_suffix ] ) ) {
			$this->screens_by_hook_suffix[ $hook_suffix ]->enqueue();
		}
	}
}
