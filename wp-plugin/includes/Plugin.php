<?php
/**
 * The plugin's main class.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8;

use IGNY8\Admin\EditorSidebar;
use IGNY8\Admin\Menu;

defined( 'ABSPATH' ) || exit;

/**
 * Boots the plugin: text domain, admin screens, REST routes; runs activation and deactivation.
 */
final class Plugin {

	/**
	 * Capability to see the IGNY8 menu and its everyday screens.
	 */
	public const CAPABILITY_VIEW = 'edit_posts';

	/**
	 * Capability to connect, rotate the key of and disconnect this site (the connection routes check it too).
	 */
	public const CAPABILITY_MANAGE_CONNECTION = 'manage_options';

	/**
	 * The one instance.
	 *
	 * @var self|null
	 */
	private static ?self $instance = null;

	/**
	 * Whether boot() ran.
	 *
	 * @var bool
	 */
	private bool $booted = false;

	/**
	 * The one instance.
	 */
	public static function instance(): self {
		if ( null === self::$instance ) {
			self::$instance = new self();
		}
		return self::$instance;
	}

	/**
	 * Use instance().
	 */
	private function __construct() {
	}

	/**
	 * Hooks the plugin into WordPress (on plugins_loaded).
	 */
	public function boot(): void {
		if ( $this->booted ) {
			return;
		}
		$this->booted = true;

		add_action( 'init', array( $this, 'load_textdomain' ) );

		if ( is_admin() ) {
			( new Menu() )->register();
			( new EditorSidebar() )->register_hooks();
		}

		// The connection (includes/Connection, includes/Rest) is optional here so the plugin runs without it.
		if ( class_exists( '\IGNY8\Connection\Installer' ) && method_exists( '\IGNY8\Connection\Installer', 'register_hooks' ) ) {
			// Handlers that must exist on every request, such as its cron events'.
			\IGNY8\Connection\Installer::register_hooks();
		}
		// Publishing (includes/Publishing): the post meta the server writes, SEO fields, authorship. On every request:
		// meta registration and the REST hooks serve wp/v2 requests, the SEO output serves the front end.
		( new \IGNY8\Publishing\PostMeta() )->register_hooks();
		( new \IGNY8\Publishing\SeoMeta() )->register_hooks();
		( new \IGNY8\Publishing\Authorship() )->register_hooks();
		if ( class_exists( '\IGNY8\Rest\Routes' ) ) {
			add_action(
				'rest_api_init',
				static function (): void {
					( new \IGNY8\Rest\Routes() )->register();
				}
			);
		}
	}

	/**
	 * Loads translations from the plugin's languages/ folder (WordPress.org language packs take precedence).
	 */
	public function load_textdomain(): void {
		load_plugin_textdomain( 'igny8', false, dirname( plugin_basename( IGNY8_PLUGIN_FILE ) ) . '/languages' );
	}

	/**
	 * Activation hook.
	 */
	public static function activate(): void {
		if ( class_exists( '\IGNY8\Connection\Installer' ) ) {
			\IGNY8\Connection\Installer::activate();
		}
	}

	/**
	 * Deactivation hook.
	 */
	public static function deactivate(): void {
		if ( class_exists( '\IGNY8\Connection\Installer' ) ) {
			\IGNY8\Connection\Installer::deactivate();
		}
	}

	/**
	 * Whether the current user may connect, rotate the key of and disconnect this site.
	 */
	public static function can_manage_connection(): bool {
		return current_user_can( self::CAPABILITY_MANAGE_CONNECTION );
	}

	/**
	 * Stops the request with WordPress's usual "not allowed" page unless the current user has the capability.
	 *
	 * WordPress already refuses menu pages to users without the menu's capability; screens call this as well so
	 * that a screen never relies on how it was registered.
	 *
	 * @param string $capability One of the CAPABILITY_* constants.
	 */
	public static function require_capability( string $capability ): void {
		if ( ! current_user_can( $capability ) ) {
			wp_die(
				esc_html__( 'Sorry, you are not allowed to access this page.', 'igny8' ),
				'',
				array( 'response' => 403 )
			);
		}
	}
}
