<?php
/**
 * PSR-4 autoloader for the plugin's classes.
 *
 * @package IGNY8
 */

namespace IGNY8;

defined( 'ABSPATH' ) || exit;

/**
 * Maps `IGNY8\Connection\Signature` to `includes/Connection/Signature.php`.
 *
 * Hand-written because the plugin ships without Composer's vendor/ directory.
 */
final class Autoloader {

	private const PREFIX = 'IGNY8\\';

	/**
	 * Registers the autoloader once.
	 */
	public static function register(): void {
		static $registered = false;
		if ( $registered ) {
			return;
		}
		spl_autoload_register( array( self::class, 'load' ) );
		$registered = true;
	}

	/**
	 * Loads one class of the IGNY8 namespace, if its file exists.
	 *
	 * @param string $class_name Fully qualified class name.
	 */
	public static function load( string $class_name ): void {
		if ( 0 !== strncmp( $class_name, self::PREFIX, strlen( self::PREFIX ) ) ) {
			return;
		}
		$relative = substr( $class_name, strlen( self::PREFIX ) );
		// Class names are identifiers; anything else (a `..` smuggled through class_exists()) is not ours.
		if ( ! preg_match( '/^[A-Za-z_][A-Za-z0-9_]*(\\\\[A-Za-z_][A-Za-z0-9_]*)*$/', $relative ) ) {
			return;
		}
		$file = __DIR__ . '/' . str_replace( '\\', '/', $relative ) . '.php';
		if ( is_readable( $file ) ) {
			require_once $file;
		}
	}
}
