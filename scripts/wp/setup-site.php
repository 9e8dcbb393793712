<?php
/**
 * Installs (first run) and reconciles (every run) the local IGNY8 dev/test WordPress, without wp-cli.
 * Run by scripts/wp/harness.mjs with the PHP CLI:  php scripts/wp/setup-site.php
 *
 * Input (environment): IGNY8_WP_DIR, IGNY8_WP_URL, IGNY8_WP_{ADMIN,EDITOR,AUTHOR}_PASSWORD,
 *                      IGNY8_WP_ADMIN_APP_PASSWORD (the one from the last run, kept if still valid).
 * Output: one stdout line `IGNY8_SETUP_RESULT {json}`; warnings on stderr.
 * Idempotent: never reinstalls an installed site. The plugin is activated last, so a fatal error in the
 * plugin (it is under development) still yields a result, with pluginActive false and the error.
 */

error_reporting( E_ALL & ~E_DEPRECATED & ~E_USER_DEPRECATED );
ini_set( 'display_errors', 'stderr' );

$igny8_env = static function ( $name ) {
	$value = getenv( $name );
	if ( false === $value || '' === $value ) {
		fwrite( STDERR, "setup-site.php: missing environment variable {$name}\n" );
		exit( 2 );
	}
	return $value;
};

$igny8_wp_dir = $igny8_env( 'IGNY8_WP_DIR' );
$igny8_url    = $igny8_env( 'IGNY8_WP_URL' );
$igny8_users  = array(
	'admin'  => array(
		'role'     => 'administrator',
		'email'    => 'admin@example.com',
		'password' => $igny8_env( 'IGNY8_WP_ADMIN_PASSWORD' ),
	),
	'editor' => array(
		'role'     => 'editor',
		'email'    => 'editor@example.com',
		'password' => $igny8_env( 'IGNY8_WP_EDITOR_PASSWORD' ),
	),
	'author' => array(
		'role'     => 'author',
		'email'    => 'author@example.com',
		'password' => $igny8_env( 'IGNY8_WP_AUTHOR_PASSWORD' ),
	),
);
$igny8_app_password_name = 'igny8-harness';
$igny8_plugin            = 'igny8/igny8.php';

// A CLI request looks like a request to the site's front page.
$igny8_parts                = parse_url( $igny8_url );
$_SERVER['HTTP_HOST']       = $igny8_parts['host'] . ( isset( $igny8_parts['port'] ) ? ':' . $igny8_parts['port'] : '' );
$_SERVER['SERVER_NAME']     = $igny8_parts['host'];
$_SERVER['SERVER_PORT']     = (string) ( $igny8_parts['port'] ?? 80 );
$_SERVER['REQUEST_URI']     = '/';
$_SERVER['REQUEST_METHOD']  = 'GET';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
$_SERVER['REMOTE_ADDR']     = '127.0.0.1';

$igny8_result = array(
	'installed'           => false, // true when this run installed WordPress.
	'pluginPresent'       => false,
	'pluginActive'        => false,
	'pluginError'         => null,
	'applicationPassword' => null,
	'changes'             => array(),
);
$igny8_done = false;

// Prints the result even when the plugin's activation dies with a fatal error.
register_shutdown_function(
	static function () use ( &$igny8_result, &$igny8_done ) {
		if ( ! $igny8_done ) {
			$error = error_get_last();
			if ( $igny8_result['pluginPresent'] && ! $igny8_result['pluginActive'] && null === $igny8_result['pluginError'] ) {
				$igny8_result['pluginError'] = $error ? $error['message'] . ' in ' . $error['file'] . ':' . $error['line'] : 'setup stopped';
			} else {
				fwrite( STDERR, 'setup-site.php: stopped early' . ( $error ? ': ' . $error['message'] : '' ) . "\n" );
				return; // No result line: the harness reports a failure.
			}
		}
		echo 'IGNY8_SETUP_RESULT ' . json_encode( $igny8_result, JSON_UNESCAPED_SLASHES ) . "\n";
	}
);

define( 'WP_INSTALLING', true ); // Lets wp-load.php run against an empty database; also keeps plugins unloaded.
require $igny8_wp_dir . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/user.php';

// 1. Install once.
if ( ! is_blog_installed() ) {
	// wp_install() would probe pretty permalinks with HTTP requests to the (not yet running) site; skip that.
	$igny8_skip_probe = static function () {
		return '/%postname%/';
	};
	add_filter( 'pre_option_permalink_structure', $igny8_skip_probe );
	$igny8_install = wp_install( 'IGNY8 Test Site', 'admin', $igny8_users['admin']['email'], false, '', wp_slash( $igny8_users['admin']['password'] ) );
	remove_filter( 'pre_option_permalink_structure', $igny8_skip_probe );
	if ( empty( $igny8_install['user_id'] ) ) {
		fwrite( STDERR, "setup-site.php: wp_install() did not create the admin user\n" );
		exit( 1 );
	}
	$igny8_result['installed'] = true;
}

// 2. Options.
global $wp_rewrite;
if ( '/%postname%/' !== get_option( 'permalink_structure' ) ) {
	$wp_rewrite->set_permalink_structure( '/%postname%/' );
	$igny8_result['changes'][] = 'permalink_structure';
}
if ( ! get_option( 'rewrite_rules' ) || in_array( 'permalink_structure', $igny8_result['changes'], true ) ) {
	flush_rewrite_rules( false );
}
foreach (
	array(
		'siteurl'         => $igny8_url,
		'home'            => $igny8_url,
		'show_avatars'    => '0',
		'blog_public'     => '0',
		'timezone_string' => 'UTC',
		'gmt_offset'      => '0',
	) as $igny8_option => $igny8_value
) {
	if ( (string) get_option( $igny8_option ) !== $igny8_value ) {
		update_option( $igny8_option, $igny8_value );
		$igny8_result['changes'][] = $igny8_option;
	}
}
// Update checks are switched off by the must-use plugin; drop events scheduled before it existed.
foreach ( array( 'wp_version_check', 'wp_update_plugins', 'wp_update_themes', 'wp_maybe_auto_update' ) as $igny8_hook ) {
	if ( wp_next_scheduled( $igny8_hook ) ) {
		wp_clear_scheduled_hook( $igny8_hook );
	}
}

// 3. Users (passwords follow the environment, so the harness's JSON file is always right).
foreach ( $igny8_users as $igny8_login => $igny8_spec ) {
	$igny8_user = get_user_by( 'login', $igny8_login );
	if ( ! $igny8_user ) {
		$igny8_id = wp_insert_user(
			array(
				'user_login'   => $igny8_login,
				'user_pass'    => $igny8_spec['password'],
				'user_email'   => $igny8_spec['email'],
				'role'         => $igny8_spec['role'],
				'display_name' => ucfirst( $igny8_login ),
				'first_name'   => ucfirst( $igny8_login ),
			)
		);
		if ( is_wp_error( $igny8_id ) ) {
			fwrite( STDERR, "setup-site.php: cannot create user {$igny8_login}: " . $igny8_id->get_error_message() . "\n" );
			exit( 1 );
		}
		$igny8_result['changes'][] = "user {$igny8_login}";
		continue;
	}
	if ( ! wp_check_password( $igny8_spec['password'], $igny8_user->user_pass, $igny8_user->ID ) ) {
		wp_set_password( $igny8_spec['password'], $igny8_user->ID );
		$igny8_result['changes'][] = "password {$igny8_login}";
	}
	if ( ! in_array( $igny8_spec['role'], (array) $igny8_user->roles, true ) ) {
		$igny8_user->set_role( $igny8_spec['role'] );
		$igny8_result['changes'][] = "role {$igny8_login}";
	}
}

// 4. No block editor welcome guide, for every user (new users: the must-use plugin).
if ( function_exists( 'igny8_offline_hide_welcome_guides' ) ) {
	foreach ( get_users( array( 'fields' => 'ID' ) ) as $igny8_user_id ) {
		if ( igny8_offline_hide_welcome_guides( (int) $igny8_user_id ) ) {
			$igny8_result['changes'][] = "welcome guide off for user {$igny8_user_id}";
		}
	}
} else {
	fwrite( STDERR, "setup-site.php: the igny8-offline must-use plugin is not loaded\n" );
}

// 5. An Application Password for admin, for REST tests (kept across runs while it still matches).
$igny8_admin = get_user_by( 'login', 'admin' );
$igny8_known = getenv( 'IGNY8_WP_ADMIN_APP_PASSWORD' );
$igny8_known = false === $igny8_known ? '' : preg_replace( '/[^a-z\d]/i', '', $igny8_known );
$igny8_valid = false;
foreach ( WP_Application_Passwords::get_user_application_passwords( $igny8_admin->ID ) as $igny8_item ) {
	if ( $igny8_app_password_name !== $igny8_item['name'] ) {
		continue;
	}
	if ( '' !== $igny8_known && ! $igny8_valid && wp_check_password( $igny8_known, $igny8_item['password'], $igny8_admin->ID ) ) {
		$igny8_valid = true;
		continue;
	}
	WP_Application_Passwords::delete_application_password( $igny8_admin->ID, $igny8_item['uuid'] );
}
if ( $igny8_valid ) {
	$igny8_result['applicationPassword'] = $igny8_known;
} else {
	$igny8_created = WP_Application_Passwords::create_new_application_password( $igny8_admin->ID, array( 'name' => $igny8_app_password_name ) );
	if ( is_wp_error( $igny8_created ) ) {
		fwrite( STDERR, 'setup-site.php: cannot create an Application Password: ' . $igny8_created->get_error_message() . "\n" );
	} else {
		$igny8_result['applicationPassword'] = $igny8_created[0];
		$igny8_result['changes'][]           = 'application password admin';
	}
}

// 6. Our plugin, last (it may not exist yet, or may not load yet).
$igny8_result['pluginPresent'] = file_exists( WP_PLUGIN_DIR . '/' . $igny8_plugin );
if ( $igny8_result['pluginPresent'] ) {
	if ( is_plugin_active( $igny8_plugin ) ) {
		$igny8_result['pluginActive'] = true;
	} else {
		$igny8_activated = activate_plugin( $igny8_plugin );
		if ( is_wp_error( $igny8_activated ) ) {
			$igny8_result['pluginError'] = $igny8_activated->get_error_message();
		} else {
			$igny8_result['pluginActive'] = is_plugin_active( $igny8_plugin );
			$igny8_result['changes'][]    = 'plugin activated';
		}
	}
}

$igny8_done = true;
