<?php
/**
 * Enqueues the plugin's built scripts (build/, made by `npm run build`).
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Admin;

use IGNY8\Rest\RestController;

defined( 'ABSPATH' ) || exit;

/**
 * Loads one webpack entry with the dependencies and version webpack wrote to build/<entry>.asset.php.
 */
final class Assets {

	/**
	 * Enqueues build/<entry>.js (and its CSS) with the screen's initial state inlined before it.
	 *
	 * @param string $entry Entry name from scripts/entries.cjs, e.g. `connection`.
	 * @return bool False when the build is missing (a development copy without `npm run build`).
	 */
	public static function enqueue_entry( string $entry ): bool {
		$asset_file = IGNY8_PLUGIN_DIR . 'build/' . $entry . '.asset.php';
		if ( ! is_readable( $asset_file ) ) {
			return false;
		}
		$asset  = require $asset_file;
		$handle = self::handle( $entry );

		wp_enqueue_script(
			$handle,
			IGNY8_PLUGIN_URL . 'build/' . $entry . '.js',
			$asset['dependencies'],
			$asset['version'],
			true
		);
		wp_set_script_translations( $handle, 'igny8', IGNY8_PLUGIN_DIR . 'languages' );
		wp_add_inline_script( $handle, 'window.igny8Settings = ' . wp_json_encode( self::settings() ) . ';', 'before' );

		// @wordpress/components' styles are a separate handle; scripts depending on wp-components do not load them.
		wp_enqueue_style( 'wp-components' );
		if ( is_readable( IGNY8_PLUGIN_DIR . 'build/' . $entry . '.css' ) ) {
			wp_enqueue_style(
				$handle,
				IGNY8_PLUGIN_URL . 'build/' . $entry . '.css',
				array( 'wp-components' ),
				$asset['version']
			);
			wp_style_add_data( $handle, 'rtl', 'replace' );
		}
		return true;
	}

	/**
	 * Script handle of an entry.
	 *
	 * @param string $entry Entry name.
	 */
	public static function handle( string $entry ): string {
		return 'igny8-' . $entry;
	}

	/**
	 * The initial state every screen script reads from `window.igny8Settings` (src/types.d.ts).
	 *
	 * Never put a secret here: the page source is visible to anything running in the page.
	 *
	 * @return array<string, string>
	 */
	private static function settings(): array {
		return array(
			'restNamespace' => RestController::NAMESPACE,
			// The REST nonce: api-fetch's nonce middleware sends it, WordPress ties the request to this user's session.
			'nonce'         => wp_create_nonce( 'wp_rest' ),
			'adminUrl'      => admin_url(),
			'siteUrl'       => home_url(),
			'pluginVersion' => IGNY8_VERSION,
		);
	}
}
