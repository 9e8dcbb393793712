<?php
/**
 * What every igny8/v1 REST controller shares: the namespace, and the permission checks that answer a refusal in
 * the plugin's words.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Rest;

use IGNY8\Connection\KeyStore;
use IGNY8\Connection\Signature;
use WP_Error;
use WP_REST_Controller;
use WP_REST_Request;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Base of the plugin's REST controllers; Routes builds each one and calls register_routes() on rest_api_init.
 */
abstract class RestController extends WP_REST_Controller {

	/** The REST namespace of every route of the plugin. */
	public const NAMESPACE = 'igny8/v1';

	/**
	 * The namespace register_routes() registers under.
	 *
	 * @var string
	 */
	protected $namespace = self::NAMESPACE;

	/**
	 * A refusal: rest_forbidden, 401 for a signed-out visitor and 403 for a signed-in user.
	 *
	 * @param string $message Why, in the plugin's words.
	 */
	protected static function forbidden( string $message ): WP_Error {
		return new WP_Error( 'rest_forbidden', $message, array( 'status' => rest_authorization_required_code() ) );
	}

	/**
	 * Permission: a signed-in user (cookie + wp_rest nonce; without the nonce WordPress treats the request as
	 * anonymous).
	 *
	 * @return true|WP_Error
	 */
	protected static function require_signed_in() {
		return is_user_logged_in() ? true : self::forbidden( __( 'Sign in to WordPress to use IGNY8.', 'igny8' ) );
	}

	/**
	 * Permission: the current user has every one of the capabilities.
	 *
	 * @param list<string> $capabilities Capabilities.
	 * @param string       $message      The refusal, naming who may.
	 * @return true|WP_Error
	 */
	protected static function require_capabilities( array $capabilities, string $message ) {
		foreach ( $capabilities as $capability ) {
			if ( ! current_user_can( $capability ) ) {
				return self::forbidden( $message );
			}
		}
		return true;
	}

	/**
	 * Permission of the routes the IGNY8 server calls: a valid signature by one of the connected server's keys,
	 * for this site's id and URL (docs/connection-protocol.md). A login cookie means nothing there.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return true|WP_Error
	 */
	protected static function verify_server_signature( WP_REST_Request $request ) {
		$keys = new KeyStore();
		return Signature::verify_request( $request, array( $keys, 'lookup_server_key' ) );
	}
}
