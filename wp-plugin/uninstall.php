<?php
/**
 * Removes everything IGNY8 stored when the plugin is deleted from wp-admin (Plugins > Delete).
 *
 * @package IGNY8
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

// The plugin's classes need PHP 8.1. On an older PHP the plugin never ran: only the generic clean-up below runs.
if ( version_compare( PHP_VERSION, '8.1', '>=' ) ) {
	if ( ! defined( 'IGNY8_PLUGIN_FILE' ) ) {
		define( 'IGNY8_PLUGIN_FILE', __DIR__ . '/igny8.php' );
	}
	if ( ! defined( 'IGNY8_PLUGIN_DIR' ) ) {
		define( 'IGNY8_PLUGIN_DIR', __DIR__ . '/' );
	}
	if ( ! defined( 'IGNY8_VERSION' ) ) {
		// The installer may tell the server it is going away, naming the plugin version.
		define( 'IGNY8_VERSION', get_file_data( __DIR__ . '/igny8.php', array( 'Version' => 'Version' ) )['Version'] );
	}
	require_once __DIR__ . '/includes/Autoloader.php';
	\IGNY8\Autoloader::register();
}

/**
 * Names in a table's name column that start with one of the prefixes.
 *
 * @param string   $table    Table name.
 * @param string   $column   Column holding the names.
 * @param string[] $prefixes Literal prefixes (LIKE wildcards in them are escaped).
 * @return string[]
 */
function igny8_uninstall_find_names( $table, $column, array $prefixes ) {
	global $wpdb;
	$names = array();
	foreach ( $prefixes as $prefix ) {
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery,WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- no API finds names by prefix; table and column are ours, not input.
		$found = $wpdb->get_col( $wpdb->prepare( "SELECT DISTINCT {$column} FROM {$table} WHERE {$column} LIKE %s", $wpdb->esc_like( $prefix ) . '%' ) );
		$names = array_merge( $names, $found );
	}
	return array_unique( $names );
}

/**
 * Deletes the current site's IGNY8 data: the connection's tables and publishing user (Installer), then every
 * option and transient whose name starts with `igny8_`.
 */
function igny8_uninstall_site() {
	global $wpdb;

	// First, while the options the installer may need to find what it created still exist.
	if ( class_exists( '\IGNY8\Connection\Installer' ) && method_exists( '\IGNY8\Connection\Installer', 'uninstall' ) ) {
		\IGNY8\Connection\Installer::uninstall();
	}

	$option_prefixes = array( 'igny8_', '_transient_igny8_', '_transient_timeout_igny8_' );
	if ( ! is_multisite() ) {
		// On a single site, site transients are options too.
		$option_prefixes[] = '_site_transient_igny8_';
		$option_prefixes[] = '_site_transient_timeout_igny8_';
	}
	// Deleting through the API keeps the options caches right.
	foreach ( igny8_uninstall_find_names( $wpdb->options, 'option_name', $option_prefixes ) as $option_name ) {
		delete_option( $option_name );
	}
}

if ( is_multisite() ) {
	foreach ( get_sites( array( 'fields' => 'ids', 'number' => 0 ) ) as $igny8_site_id ) {
		switch_to_blog( (int) $igny8_site_id );
		igny8_uninstall_site();
		restore_current_blog();
	}
	$igny8_network_keys = igny8_uninstall_find_names(
		$GLOBALS['wpdb']->sitemeta,
		'meta_key',
		array( '_site_transient_igny8_', '_site_transient_timeout_igny8_' )
	);
	foreach ( $igny8_network_keys as $igny8_network_key ) {
		delete_site_option( $igny8_network_key );
	}
} else {
	igny8_uninstall_site();
}

// User meta is shared by all sites of a network.
foreach ( igny8_uninstall_find_names( $GLOBALS['wpdb']->usermeta, 'meta_key', array( 'igny8_' ) ) as $igny8_meta_key ) {
	delete_metadata( 'user', 0, $igny8_meta_key, '', true );
}
