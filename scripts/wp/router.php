<?php
/**
 * Router for `php -S` (see scripts/wp/harness.mjs): serves existing files as they are and sends
 * every other request to WordPress's index.php, so pretty permalinks and /wp-json/ work.
 * `?rest_route=/...` works either way.
 */

$igny8_root = rtrim( $_SERVER['DOCUMENT_ROOT'], '/' );
$igny8_path = urldecode( (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH ) );

if ( '' !== $igny8_path && '/' !== $igny8_path && false === strpos( $igny8_path, '..' ) ) {
	$igny8_file = $igny8_root . $igny8_path;
	if ( is_file( $igny8_file ) ) {
		return false; // The built-in server serves it (and runs it, for .php files).
	}
	if ( is_dir( $igny8_file ) && ( is_file( $igny8_file . '/index.php' ) || is_file( $igny8_file . '/index.html' ) ) ) {
		if ( '/' !== substr( $igny8_path, -1 ) ) {
			// Like Apache: /wp-admin -> /wp-admin/ (relative links in wp-admin need the slash).
			$igny8_query = parse_url( $_SERVER['REQUEST_URI'], PHP_URL_QUERY );
			header( 'Location: ' . $igny8_path . '/' . ( $igny8_query ? '?' . $igny8_query : '' ), true, 301 );
			return true;
		}
		return false; // e.g. /wp-admin/: the built-in server runs its index.php.
	}
}

$_SERVER['SCRIPT_NAME']     = '/index.php';
$_SERVER['PHP_SELF']        = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $igny8_root . '/index.php';
chdir( $igny8_root );
require $igny8_root . '/index.php';
