<?php
/**
 * Plugin Name: IGNY8 offline dev/test site
 * Description: Keeps this local WordPress offline: no outgoing mail (logged instead), no HTTP requests to
 *              hosts other than loopback, no update checks, no feed widgets, no emoji CDN.
 *              Written by scripts/wp/harness.mjs from scripts/wp/igny8-offline.php; edit the template, not the copy.
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

// Replaced with the absolute log directory when the harness writes this file.
define( 'IGNY8_WP_LOG_DIR', '__IGNY8_WP_LOG_DIR__' );

// debug.log: drop the PHP 8.2 deprecation notices (E_DEPRECATED) raised in WordPress 6.1's own files (e.g. its
// Requests library), so the log shows what our plugin does. WordPress's _deprecated_function() notices
// (E_USER_DEPRECATED, often caused by a plugin) and everything else are logged as usual.
set_error_handler(
	static function ( $errno, $errstr, $errfile ) {
		return 0 === strpos( $errfile, ABSPATH . WPINC . '/' ) || 0 === strpos( $errfile, ABSPATH . 'wp-admin/' );
	},
	E_DEPRECATED
);

/** Appends one JSON line to a log file in IGNY8_WP_LOG_DIR. */
function igny8_offline_log( $file, array $entry ) {
	$dir = IGNY8_WP_LOG_DIR;
	if ( ! is_dir( $dir ) ) {
		@mkdir( $dir, 0777, true ); // phpcs:ignore WordPress.PHP.NoSilencedErrors
	}
	$entry = array( 'time' => gmdate( 'Y-m-d\TH:i:s\Z' ) ) + $entry;
	// phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_file_put_contents
	file_put_contents( $dir . '/' . $file, wp_json_encode( $entry, JSON_UNESCAPED_SLASHES ) . "\n", FILE_APPEND | LOCK_EX );
}

// Mail: never sent; each message is one JSON line in mail.jsonl (tests read it).
add_filter(
	'pre_wp_mail',
	static function ( $short_circuit, $atts ) {
		igny8_offline_log(
			'mail.jsonl',
			array(
				'to'          => $atts['to'] ?? '',
				'subject'     => $atts['subject'] ?? '',
				'message'     => $atts['message'] ?? '',
				'headers'     => $atts['headers'] ?? '',
				'attachments' => $atts['attachments'] ?? array(),
			)
		);
		return true;
	},
	10,
	2
);

// HTTP: only loopback hosts (this site, the IGNY8 API on 127.0.0.1, ...). Blocked requests are logged.
add_filter(
	'pre_http_request',
	static function ( $pre, $args, $url ) {
		$host = strtolower( trim( (string) wp_parse_url( $url, PHP_URL_HOST ), '[]' ) );
		if ( in_array( $host, array( '127.0.0.1', 'localhost', '::1' ), true ) ) {
			return $pre;
		}
		igny8_offline_log( 'http-blocked.jsonl', array( 'url' => $url, 'method' => $args['method'] ?? 'GET' ) );
		return new WP_Error( 'http_request_blocked', 'IGNY8 offline dev site: HTTP request to ' . $host . ' blocked.' );
	},
	1,
	3
);

// Updates: no core/plugin/theme/translation checks, no automatic updates.
add_filter( 'automatic_updater_disabled', '__return_true' );
add_filter( 'auto_update_core', '__return_false' );
add_filter( 'auto_update_plugin', '__return_false' );
add_filter( 'auto_update_theme', '__return_false' );
add_filter( 'auto_update_translation', '__return_false' );
add_action(
	'plugins_loaded',
	static function () {
		remove_action( 'init', 'wp_schedule_update_checks' );
		remove_action( 'admin_init', '_maybe_update_core' );
		remove_action( 'admin_init', '_maybe_update_plugins' );
		remove_action( 'admin_init', '_maybe_update_themes' );
		remove_action( 'wp_version_check', 'wp_version_check' );
		remove_action( 'wp_update_plugins', 'wp_update_plugins' );
		remove_action( 'wp_update_themes', 'wp_update_themes' );
		remove_action( 'wp_maybe_auto_update', 'wp_maybe_auto_update' );
		foreach ( array( 'load-plugins.php', 'load-update.php', 'load-update-core.php' ) as $hook ) {
			remove_action( $hook, 'wp_update_plugins' );
		}
		foreach ( array( 'load-themes.php', 'load-update.php', 'load-update-core.php' ) as $hook ) {
			remove_action( $hook, 'wp_update_themes' );
		}
	}
);
$igny8_no_updates = static function () {
	global $wp_version;
	return (object) array(
		'last_checked'    => time(),
		'version_checked' => $wp_version,
		'updates'         => array(),
		'checked'         => array(),
		'response'        => array(),
		'no_update'       => array(),
		'translations'    => array(),
	);
};
add_filter( 'pre_site_transient_update_core', $igny8_no_updates );
add_filter( 'pre_site_transient_update_plugins', $igny8_no_updates );
add_filter( 'pre_site_transient_update_themes', $igny8_no_updates );
unset( $igny8_no_updates );

// Dashboard: no "WordPress Events and News" widget (it fetches feeds).
add_action(
	'wp_dashboard_setup',
	static function () {
		remove_meta_box( 'dashboard_primary', 'dashboard', 'side' );
	},
	100
);

// Dashboard: answer the "Browse Happy" / "Serve Happy" checks locally (they ask api.wordpress.org).
add_filter(
	'pre_site_transient_php_check_' . md5( PHP_VERSION ),
	static function () {
		return array(
			'recommended_version' => PHP_MAJOR_VERSION . '.' . PHP_MINOR_VERSION,
			'minimum_version'     => '7.0',
			'is_supported'        => true,
			'is_secure'           => true,
			'is_acceptable'       => true,
		);
	}
);
if ( ! empty( $_SERVER['HTTP_USER_AGENT'] ) ) {
	add_filter(
		'pre_site_transient_browser_' . md5( $_SERVER['HTTP_USER_AGENT'] ), // phpcs:ignore WordPress.Security.ValidatedSanitizedInput
		static function () {
			return array(
				'name'            => '',
				'version'         => '',
				'platform'        => '',
				'update_url'      => '',
				'img_src'         => '',
				'img_src_ssl'     => '',
				'current_version' => '',
				'upgrade'         => false,
				'insecure'        => false,
				'mobile'          => false,
			);
		}
	);
}

// Emoji: no twemoji script / CDN URLs.
remove_action( 'wp_head', 'print_emoji_detection_script', 7 );
remove_action( 'embed_head', 'print_emoji_detection_script' );
remove_action( 'wp_print_styles', 'print_emoji_styles' );
add_action(
	'admin_init', // wp-admin/includes/admin-filters.php is loaded after must-use plugins.
	static function () {
		remove_action( 'admin_print_scripts', 'print_emoji_detection_script' );
		remove_action( 'admin_print_styles', 'print_emoji_styles' );
	}
);
add_filter( 'emoji_svg_url', '__return_false' );

// Application Passwords over plain http (WP_ENVIRONMENT_TYPE 'local' allows them too).
add_filter( 'wp_is_application_passwords_available', '__return_true' );

// php -S + scripts/wp/router.php rewrites everything: tell WordPress pretty permalinks work.
add_filter( 'got_url_rewrite', '__return_true' );

/**
 * Block editor: turns the welcome guides off for a user (WP 6.1 keeps editor preferences in the user meta
 * `{prefix}persisted_preferences`). Runs for every new user; the harness calls it for existing users.
 */
function igny8_offline_hide_welcome_guides( $user_id ) {
	global $wpdb;
	$key   = $wpdb->get_blog_prefix() . 'persisted_preferences';
	$prefs = get_user_meta( $user_id, $key, true );
	$prefs = is_array( $prefs ) ? $prefs : array();
	$want  = array(
		'core/edit-post' => array(
			'welcomeGuide'         => false,
			'welcomeGuideTemplate' => false,
		),
		'core/edit-site' => array(
			'welcomeGuide'         => false,
			'welcomeGuideStyles'   => false,
			'welcomeGuidePage'     => false,
			'welcomeGuideTemplate' => false,
		),
	);
	$changed = false;
	foreach ( $want as $scope => $values ) {
		$current = isset( $prefs[ $scope ] ) && is_array( $prefs[ $scope ] ) ? $prefs[ $scope ] : array();
		$merged  = array_merge( $current, $values );
		if ( $merged !== $current ) {
			$prefs[ $scope ] = $merged;
			$changed         = true;
		}
	}
	if ( $changed ) {
		$prefs['_modified'] = gmdate( 'Y-m-d\TH:i:s.000\Z' );
		update_user_meta( $user_id, $key, $prefs );
	}
	return $changed;
}
add_action( 'user_register', 'igny8_offline_hide_welcome_guides' );
