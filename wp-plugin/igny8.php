<?php
/**
 * Plugin Name:       IGNY8
 * Description:       Turns your SEO keywords into published posts: connect this site to your IGNY8 account, and IGNY8 plans, writes and publishes the content you approve.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      8.1
 * Author:            IGNY8
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       igny8
 * Domain Path:       /languages
 *
 * @package IGNY8
 */

// This file must parse on any PHP version WordPress runs on, so that an old PHP gets a notice instead of a
// fatal error: PHP 8 syntax belongs in includes/, loaded only after the version check below.

defined( 'ABSPATH' ) || exit;

define( 'IGNY8_VERSION', '0.1.0' );
define( 'IGNY8_PLUGIN_FILE', __FILE__ );
define( 'IGNY8_PLUGIN_DIR', plugin_dir_path( __FILE__ ) );
define( 'IGNY8_PLUGIN_URL', plugin_dir_url( __FILE__ ) );
define( 'IGNY8_MINIMUM_PHP_VERSION', '8.1' );

/**
 * Tells administrators why IGNY8 is not running on this PHP version.
 */
function igny8_php_version_notice() {
	if ( ! current_user_can( 'activate_plugins' ) ) {
		return;
	}
	printf(
		'<div class="notice notice-error"><p>%s</p></div>',
		esc_html(
			sprintf(
				/* translators: 1: required PHP version, 2: the PHP version this site runs. */
				__( 'IGNY8 needs PHP %1$s or newer; this site runs PHP %2$s. The plugin stays inactive until PHP is updated.', 'igny8' ),
				IGNY8_MINIMUM_PHP_VERSION,
				PHP_VERSION
			)
		)
	);
}

if ( version_compare( PHP_VERSION, IGNY8_MINIMUM_PHP_VERSION, '<' ) ) {
	add_action( 'admin_notices', 'igny8_php_version_notice' );
	return;
}

require_once IGNY8_PLUGIN_DIR . 'includes/Autoloader.php';
\IGNY8\Autoloader::register();

register_activation_hook( __FILE__, array( 'IGNY8\Plugin', 'activate' ) );
register_deactivation_hook( __FILE__, array( 'IGNY8\Plugin', 'deactivate' ) );

add_action(
	'plugins_loaded',
	function () {
		\IGNY8\Plugin::instance()->boot();
	}
);
