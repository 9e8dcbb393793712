<?php
/**
 * Requests from this site to the IGNY8 server (server to server: the browser never sees them).
 *
 * Every request but the first contact (register) is signed with the site's key. Answers use the API envelope
 * `{ success: true, data }` / `{ success: false, error, code, requestId }`; a failure becomes a WP_Error
 * carrying only the server's `error` text (already in the product's words) and its code and request id,
 * never the raw body, which could be an HTML error page from a proxy.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Connection;

use WP_Error;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Calls the server's /api/v1/connect/* routes, and forwards wp-admin users' requests to its account routes.
 */
final class ServerClient {

	public const TIMEOUT_SECONDS = 15;

	/** Headers naming the WordPress user a forwarded request acts for (signed; see forward()). */
	public const ACTOR_HEADERS = array(
		'user'  => 'x-igny8-wp-user',
		'level' => 'x-igny8-wp-role',
	);

	private KeyStore $keys;

	/**
	 * Constructor.
	 *
	 * @param KeyStore|null $keys Where the connection and the site key are.
	 */
	public function __construct( ?KeyStore $keys = null ) {
		$this->keys = $keys ?? new KeyStore();
	}

	/**
	 * First contact (not signed: the server does not know our key yet; the connection key and the call back
	 * to connect/verify authenticate it).
	 *
	 * @param string               $server_url Server base URL.
	 * @param array<string, mixed> $payload    See docs/connection-protocol.md, "Handshake" step 3.
	 * @return array<string, mixed>|WP_Error The envelope's data.
	 */
	public function register( string $server_url, array $payload ) {
		return $this->send( 'POST', $server_url, '/api/v1/connect/register', $payload, false );
	}

	/**
	 * Tells the server we are alive; answers { accountName, credits: { balance } | null, siteId }.
	 *
	 * @return array<string, mixed>|WP_Error
	 */
	public function heartbeat() {
		global $wp_version;
		return $this->send_signed(
			'/api/v1/connect/heartbeat',
			array(
				'wpVersion'     => (string) $wp_version,
				'pluginVersion' => self::plugin_version(),
				'phpVersion'    => PHP_VERSION,
				'siteUrl'       => home_url(),
			)
		);
	}

	/**
	 * Registers a new site key, signed with the current one.
	 *
	 * @param string $new_public_key base64url public key.
	 * @param string $new_key_id     Its id.
	 * @return array<string, mixed>|WP_Error
	 */
	public function rotate_key( string $new_public_key, string $new_key_id ) {
		return $this->send_signed(
			'/api/v1/connect/rotate-key',
			array(
				'newPublicKey' => $new_public_key,
				'newKeyId'     => $new_key_id,
			)
		);
	}

	/**
	 * Tells the server this site disconnects.
	 *
	 * @return array<string, mixed>|WP_Error
	 */
	public function disconnect() {
		return $this->send_signed( '/api/v1/connect/disconnect', new \stdClass() );
	}

	/**
	 * Forwards one request of a WordPress user to an account route of the server (planner, writer, publisher,
	 * jobs), signed with the site key, the acting user folded into the signature (docs/connection-protocol.md,
	 * "Calls on behalf of a WordPress user"). Answers the server's status and envelope as they are, so the
	 * browser sees the server's own error codes and messages; a transport failure or an answer that is not an
	 * envelope becomes a WP_Error in the product's words that names neither the server's address nor a key.
	 *
	 * @param string      $method HTTP method.
	 * @param string      $path   Path under /api/v1/, such as planner/keywords.
	 * @param string      $query  Query string without "?" ('' for none), already encoded.
	 * @param string|null $json   JSON body, or null for none.
	 * @param int         $wp_user_id The acting WordPress user.
	 * @param string      $level  The user's capability level (AppController::level_of).
	 * @param string      $idempotency_key The browser's Idempotency-Key ('' for none): a retry of a paid request
	 *                    with the same key gets the first run's answer instead of a second run and charge.
	 * @return array{status: int, envelope: array<string, mixed>, headers: array<string, string>}|WP_Error
	 */
	public function forward( string $method, string $path, string $query, ?string $json, int $wp_user_id, string $level, string $idempotency_key = '' ) {
		$extra    = '' === $idempotency_key ? array() : array( 'Idempotency-Key' => $idempotency_key );
		$response = $this->request_as_user( $method, $path, $query, $json, $wp_user_id, $level, 'application/json', $extra );
		if ( $response instanceof WP_Error ) {
			return $response;
		}
		$status   = (int) wp_remote_retrieve_response_code( $response );
		$envelope = json_decode( (string) wp_remote_retrieve_body( $response ), true );
		if ( ! is_array( $envelope ) || ! is_bool( $envelope['success'] ?? null ) || $status < 200 || $status >= 600 || ( $status >= 300 && $status < 400 ) ) {
			return new WP_Error(
				'igny8_server_unexpected_answer',
				/* translators: %d: HTTP status */
				sprintf( __( 'The IGNY8 server answered HTTP %d with something that is not an IGNY8 answer. Try again later; an administrator can check IGNY8 > Connection.', 'igny8' ), $status ),
				array( 'status' => 502 )
			);
		}
		$passed = array();
		foreach ( array( 'x-request-id', 'retry-after' ) as $name ) {
			$value = (string) wp_remote_retrieve_header( $response, $name );
			if ( '' !== $value ) {
				$passed[ $name ] = $value;
			}
		}
		return array(
			'status'   => $status,
			'envelope' => $envelope,
			'headers'  => $passed,
		);
	}

	/**
	 * Downloads a file route of the server (such as writer/images/:id/file) for a WordPress user, signed like
	 * forward(). Answers the bytes with their content type on 200; the server's refusal (an envelope) as a WP_Error
	 * with its code, message and status; anything else as a WP_Error in the product's words.
	 *
	 * @param string $path       Path under /api/v1/.
	 * @param int    $wp_user_id The acting WordPress user.
	 * @param string $level      The user's capability level (AppController::level_of).
	 * @return array{type: string, bytes: string, headers: array<string, string>}|WP_Error
	 */
	public function download( string $path, int $wp_user_id, string $level ) {
		$response = $this->request_as_user( 'GET', $path, '', null, $wp_user_id, $level, '*/*' );
		if ( $response instanceof WP_Error ) {
			return $response;
		}
		$status = (int) wp_remote_retrieve_response_code( $response );
		$body   = (string) wp_remote_retrieve_body( $response );
		if ( 200 !== $status ) {
			$envelope = json_decode( $body, true );
			if ( is_array( $envelope ) && false === ( $envelope['success'] ?? null ) && is_string( $envelope['error'] ?? null ) && $status >= 400 && $status < 600 ) {
				return new WP_Error( is_string( $envelope['code'] ?? null ) ? $envelope['code'] : 'igny8_download_failed', $envelope['error'], array( 'status' => $status ) );
			}
			return new WP_Error(
				'igny8_server_unexpected_answer',
				/* translators: %d: HTTP status */
				sprintf( __( 'The IGNY8 server answered HTTP %d with something that is not an IGNY8 answer. Try again later; an administrator can check IGNY8 > Connection.', 'igny8' ), $status ),
				array( 'status' => 502 )
			);
		}
		$passed = array();
		foreach ( array( 'x-request-id', 'cache-control' ) as $name ) {
			$value = (string) wp_remote_retrieve_header( $response, $name );
			if ( '' !== $value ) {
				$passed[ $name ] = $value;
			}
		}
		return array(
			'type'    => (string) wp_remote_retrieve_header( $response, 'content-type' ),
			'bytes'   => $body,
			'headers' => $passed,
		);
	}

	/**
	 * Sends one request of a WordPress user to an account route, signed with the site key and the acting user
	 * (docs/connection-protocol.md, "Calls on behalf of a WordPress user").
	 *
	 * @param string      $method     HTTP method.
	 * @param string      $path       Path under /api/v1/.
	 * @param string      $query      Query string without "?" ('' for none), already encoded.
	 * @param string|null $json       JSON body, or null for none.
	 * @param int         $wp_user_id The acting WordPress user.
	 * @param string      $level      The user's capability level.
	 * @param string      $accept     The Accept header.
	 * @param array       $extra_headers Headers sent as they are (not signed), such as Idempotency-Key.
	 * @return array<string, mixed>|WP_Error WordPress's HTTP response.
	 */
	private function request_as_user( string $method, string $path, string $query, ?string $json, int $wp_user_id, string $level, string $accept, array $extra_headers = array() ) {
		$connection = $this->keys->connection();
		$key        = $this->keys->site_private_key();
		if ( null === $connection || null === $key ) {
			return new WP_Error(
				'igny8_not_connected',
				__( 'This site is not connected to IGNY8: an administrator can connect it in IGNY8 > Connection.', 'igny8' ),
				array( 'status' => 409 )
			);
		}
		$method = strtoupper( $method );
		// A write without a body still goes out as JSON: WordPress's HTTP API would otherwise label the empty body
		// as a form, which the server refuses (415).
		if ( null === $json && in_array( $method, array( 'POST', 'PUT', 'PATCH' ), true ) ) {
			$json = '{}';
		}
		$url  = untrailingslashit( (string) $connection['server_url'] ) . '/api/v1/' . ltrim( $path, '/' ) . ( '' !== $query ? '?' . $query : '' );
		$body = $json ?? '';
		// The acting user is signed as two extra query pairs (the canonical query is sorted, so their place is free).
		$signed_url = $url . ( '' !== $query ? '&' : '?' ) . self::ACTOR_HEADERS['level'] . '=' . rawurlencode( $level ) . '&' . self::ACTOR_HEADERS['user'] . '=' . $wp_user_id;
		$headers    = $extra_headers + array(
			'Accept'                     => $accept,
			self::ACTOR_HEADERS['user']  => (string) $wp_user_id,
			self::ACTOR_HEADERS['level'] => $level,
		) + Signature::sign_request( $method, $signed_url, $body, (string) $connection['site_id'], home_url(), $key[0], $key[1] );
		if ( null !== $json ) {
			$headers['Content-Type'] = 'application/json';
		}

		$response = wp_remote_request(
			$url,
			array(
				'method'      => $method,
				'timeout'     => self::TIMEOUT_SECONDS,
				'redirection' => 0,
				'headers'     => $headers,
				'body'        => null === $json ? null : $json,
				'user-agent'  => 'IGNY8-WordPress/' . self::plugin_version() . '; ' . home_url(),
			)
		);
		if ( $response instanceof WP_Error ) {
			return new WP_Error(
				'igny8_server_unreachable',
				__( 'The IGNY8 server could not be reached. Try again in a minute; if it keeps failing, an administrator can check IGNY8 > Connection.', 'igny8' ),
				array( 'status' => 502 )
			);
		}
		return $response;
	}

	/** The plugin's version as the plugin header declares it. */
	public static function plugin_version(): string {
		return defined( 'IGNY8_VERSION' ) ? (string) IGNY8_VERSION : '0.0.0';
	}

	/**
	 * A signed POST to the connected server.
	 *
	 * @param string                        $path Path under the server URL.
	 * @param array<string, mixed>|\stdClass $body JSON body.
	 * @return array<string, mixed>|WP_Error
	 */
	private function send_signed( string $path, $body ) {
		$connection = $this->keys->connection();
		if ( null === $connection ) {
			return new WP_Error( 'igny8_not_connected', __( 'This site is not connected to IGNY8.', 'igny8' ), array( 'status' => 409 ) );
		}
		return $this->send( 'POST', (string) $connection['server_url'], $path, $body, true );
	}

	/**
	 * Sends one JSON request and unwraps the envelope.
	 *
	 * @param string                        $method     HTTP method.
	 * @param string                        $server_url Server base URL.
	 * @param string                        $path       Path under it.
	 * @param array<string, mixed>|\stdClass $body       JSON body.
	 * @param bool                          $signed     Whether to sign with the site key.
	 * @return array<string, mixed>|WP_Error
	 */
	private function send( string $method, string $server_url, string $path, $body, bool $signed ) {
		$url     = untrailingslashit( $server_url ) . $path;
		$json    = (string) wp_json_encode( $body, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE );
		$headers = array(
			'Content-Type' => 'application/json',
			'Accept'       => 'application/json',
		);
		if ( $signed ) {
			$connection = $this->keys->connection();
			$key        = $this->keys->site_private_key();
			if ( null === $connection || null === $key ) {
				return new WP_Error( 'igny8_not_connected', __( 'This site has no IGNY8 signing key: disconnect and connect it again.', 'igny8' ), array( 'status' => 409 ) );
			}
			$headers += Signature::sign_request( $method, $url, $json, (string) $connection['site_id'], home_url(), $key[0], $key[1] );
		}

		$response = wp_remote_request(
			$url,
			array(
				'method'      => $method,
				'timeout'     => self::TIMEOUT_SECONDS,
				'redirection' => 0, // A redirect would send the signed request (and register's secrets) elsewhere.
				'headers'     => $headers,
				'body'        => $json,
				'user-agent'  => 'IGNY8-WordPress/' . self::plugin_version() . '; ' . home_url(),
			)
		);
		$host = self::host_of( $url );
		if ( $response instanceof WP_Error ) {
			return new WP_Error(
				'igny8_server_unreachable',
				/* translators: 1: server host, 2: reason */
				sprintf( __( 'Could not reach the IGNY8 server at %1$s: %2$s', 'igny8' ), $host, $response->get_error_message() ),
				array( 'status' => 502 )
			);
		}

		$status   = (int) wp_remote_retrieve_response_code( $response );
		$location = (string) wp_remote_retrieve_header( $response, 'location' );
		if ( $status >= 300 && $status < 400 && '' !== $location ) {
			$target = wp_parse_url( $location );
			return new WP_Error(
				'igny8_server_redirect',
				/* translators: 1: server host, 2: the address it redirects to */
				sprintf( __( 'The IGNY8 server at %1$s redirects to %2$s: enter that address as the server URL.', 'igny8' ), $host, is_array( $target ) && isset( $target['scheme'], $target['host'] ) ? $target['scheme'] . '://' . self::host_of( $location ) : $location ),
				array( 'status' => 400 )
			);
		}
		$envelope = json_decode( (string) wp_remote_retrieve_body( $response ), true );
		if ( is_array( $envelope ) && true === ( $envelope['success'] ?? null ) && $status >= 200 && $status < 300 ) {
			return is_array( $envelope['data'] ?? null ) ? $envelope['data'] : array();
		}
		if ( is_array( $envelope ) && false === ( $envelope['success'] ?? null ) && is_string( $envelope['error'] ?? null ) ) {
			$code = is_string( $envelope['code'] ?? null ) ? strtolower( preg_replace( '/[^A-Za-z0-9_]/', '', $envelope['code'] ) ) : 'error';
			return new WP_Error(
				'igny8_server_' . $code,
				$envelope['error'],
				array(
					// The browser's request to the plugin was fine: a refusal is a 400, anything else a bad gateway.
					'status'       => $status >= 400 && $status < 500 ? 400 : 502,
					'serverStatus' => $status,
					'serverCode'   => $envelope['code'] ?? null,
					'requestId'    => is_string( $envelope['requestId'] ?? null ) ? $envelope['requestId'] : null,
				)
			);
		}
		return new WP_Error(
			'igny8_server_unexpected_answer',
			/* translators: 1: server host, 2: HTTP status */
			sprintf( __( 'The IGNY8 server at %1$s answered HTTP %2$d with something that is not an IGNY8 API answer. Check the server URL.', 'igny8' ), $host, $status ),
			array(
				'status'       => 502,
				'serverStatus' => $status,
			)
		);
	}

	/**
	 * Host (and port) of a URL, for messages.
	 *
	 * @param string $url URL.
	 */
	private static function host_of( string $url ): string {
		$parts = wp_parse_url( $url );
		if ( ! is_array( $parts ) || empty( $parts['host'] ) ) {
			return $url;
		}
		return $parts['host'] . ( isset( $parts['port'] ) ? ':' . $parts['port'] : '' );
	}
}
