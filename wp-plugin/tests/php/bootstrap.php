<?php
/**
 * PHPUnit bootstrap: loads the REAL WordPress of the dev/test harness (npm run wp:start) in this process, with
 * its wp-config.php and database, makes sure the IGNY8 plugin is active and installed, and loads the test
 * helpers. Tests then dispatch REST requests in-process with rest_do_request().
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

// phpcs:disable WordPress.WP.AlternativeFunctions, WordPress.PHP.DevelopmentFunctions

$igny8_repo    = dirname( __DIR__, 3 );
// WP_HARNESS_DIR: the harness directory of a second WordPress (as scripts/wp/harness.mjs takes it), so two runs can share a machine.
$igny8_data    = getenv( 'WP_HARNESS_DIR' );
$igny8_data    = is_string( $igny8_data ) && '' !== $igny8_data ? $igny8_data : $igny8_repo . '/.data';
$igny8_json    = $igny8_data . '/wp-harness.json';
$igny8_refusal = static function ( string $why ): void {
	fwrite( STDERR, "\nIGNY8 PHP tests need the WordPress harness: {$why}\nStart it with `npm run wp:start` (from the repository root), then run the tests again.\n\n" );
	exit( 1 );
};

if ( ! is_readable( $igny8_json ) ) {
	$igny8_refusal( "{$igny8_json} does not exist." );
}
$igny8_harness = json_decode( (string) file_get_contents( $igny8_json ), true );
if ( ! is_array( $igny8_harness ) || empty( $igny8_harness['url'] ) ) {
	$igny8_refusal( "{$igny8_json} is not the harness's JSON." );
}
$igny8_wp_dir = (string) ( $igny8_harness['wordpressDir'] ?? $igny8_repo . '/.data/wordpress' );
if ( ! is_readable( $igny8_wp_dir . '/wp-load.php' ) ) {
	$igny8_refusal( "no WordPress in {$igny8_wp_dir}." );
}

// Refuse clearly (rather than with WordPress's "Error establishing a database connection" page) when the
// harness's MariaDB is not running.
$igny8_db = $igny8_harness['db'] ?? array();
mysqli_report( MYSQLI_REPORT_OFF );
$igny8_link = @mysqli_connect( (string) ( $igny8_db['host'] ?? '127.0.0.1' ), (string) ( $igny8_db['user'] ?? '' ), (string) ( $igny8_db['password'] ?? '' ), (string) ( $igny8_db['name'] ?? '' ), (int) ( $igny8_db['port'] ?? $igny8_harness['dbPort'] ?? 3307 ) ); // phpcs:ignore WordPress.PHP.NoSilencedErrors
if ( false === $igny8_link ) {
	$igny8_refusal( 'its database does not answer on port ' . (int) ( $igny8_db['port'] ?? $igny8_harness['dbPort'] ?? 3307 ) . ' (' . mysqli_connect_error() . ').' );
}
mysqli_close( $igny8_link );

// A CLI process looks like a request to the site's front page.
$igny8_url                  = parse_url( (string) $igny8_harness['url'] );
$_SERVER['HTTP_HOST']       = $igny8_url['host'] . ( isset( $igny8_url['port'] ) ? ':' . $igny8_url['port'] : '' );
$_SERVER['SERVER_NAME']     = $igny8_url['host'];
$_SERVER['SERVER_PORT']     = (string) ( $igny8_url['port'] ?? 80 );
$_SERVER['REQUEST_URI']     = '/';
$_SERVER['REQUEST_METHOD']  = 'GET';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
$_SERVER['REMOTE_ADDR']     = '127.0.0.1';

define( 'WP_USE_THEMES', false );
// WordPress's files expect these as globals; PHPUnit includes this file inside a method.
global $wpdb, $wp, $wp_rewrite, $wp_version, $wp_query, $wp_the_query, $wp_roles, $table_prefix, $current_user;
require $igny8_wp_dir . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/user.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

// The plugin is linked as wp-content/plugins/igny8; activate it if the harness left it inactive.
const IGNY8_TEST_PLUGIN = 'igny8/igny8.php';
if ( ! is_plugin_active( IGNY8_TEST_PLUGIN ) ) {
	$igny8_activation = activate_plugin( IGNY8_TEST_PLUGIN );
	if ( is_wp_error( $igny8_activation ) ) {
		$igny8_refusal( 'the IGNY8 plugin cannot be activated: ' . $igny8_activation->get_error_message() );
	}
	// Activation loaded the plugin file after plugins_loaded ran: boot it as WordPress would have.
	if ( class_exists( '\IGNY8\Plugin' ) ) {
		\IGNY8\Plugin::instance()->boot();
	}
}
if ( ! class_exists( '\IGNY8\Connection\Installer' ) ) {
	$igny8_refusal( 'the IGNY8 plugin is active but its classes do not load.' );
}
\IGNY8\Connection\Installer::activate();
\IGNY8\Connection\Installer::register_hooks();

// The routes must be registered by the plugin itself (IGNY8\Plugin hooks rest_api_init); the tests check it.
define( 'IGNY8_TEST_HARNESS', $igny8_harness );

require_once __DIR__ . '/Support/FakeServer.php';
require_once __DIR__ . '/Support/IntegrationTestCase.php';
require_once __DIR__ . '/Support/PublishingTestCase.php';
