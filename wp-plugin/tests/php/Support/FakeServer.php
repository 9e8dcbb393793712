<?php
/**
 * A fake IGNY8 server at WordPress's HTTP boundary (the pre_http_request filter): tests give it a handler per
 * path; any other outgoing request fails and is recorded, so a test can assert that nothing reached the network.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Tests;

use IGNY8\Connection\Signature;
use WP_Error;

/**
 * Answers the plugin's requests to the server in-process.
 */
final class FakeServer {

	/** @var array<string, callable(array<string, mixed>, string): (array{0: int, 1: mixed}|WP_Error)> */
	private array $handlers = array();

	/** @var list<array{method: string, url: string, path: string, headers: array<string, string>, body: string}> */
	public array $requests = array();

	/** Installs the filter after the offline mu-plugin (priority 1), so the fake answers even for other hosts. */
	public function install(): void {
		add_filter( 'pre_http_request', array( $this, 'answer' ), 100, 3 );
	}

	/** Removes the filter. */
	public function uninstall(): void {
		remove_filter( 'pre_http_request', array( $this, 'answer' ), 100 );
	}

	/**
	 * Answers requests to $path with $handler( $request, $url ): [status, body array|string, optional headers]
	 * or a WP_Error.
	 *
	 * @param string   $path    URL path such as /api/v1/connect/register.
	 * @param callable $handler Handler.
	 */
	public function on( string $path, callable $handler ): void {
		$this->handlers[ $path ] = $handler;
	}

	/**
	 * The pre_http_request filter.
	 *
	 * @param mixed                $pre  Earlier filters' answer (ignored).
	 * @param array<string, mixed> $args Request arguments.
	 * @param string               $url  URL.
	 * @return array<string, mixed>|WP_Error
	 */
	public function answer( $pre, array $args, string $url ) {
		$headers          = is_array( $args['headers'] ?? null ) ? $args['headers'] : array();
		$request          = array(
			'method'  => strtoupper( (string) ( $args['method'] ?? 'GET' ) ),
			'url'     => $url,
			'path'    => (string) parse_url( $url, PHP_URL_PATH ),
			'headers' => $headers,
			'body'    => (string) ( $args['body'] ?? '' ),
			'args'    => $args,
		);
		$this->requests[] = $request;
		$handler          = $this->handlers[ $request['path'] ] ?? null;
		if ( null === $handler ) {
			return new WP_Error( 'http_request_failed', 'fake IGNY8 server: nothing answers ' . $url );
		}
		$answer = $handler( $request, $url );
		if ( $answer instanceof WP_Error ) {
			return $answer;
		}
		return array(
			'headers'  => ( $answer[2] ?? array() ) + array( 'content-type' => 'application/json' ),
			'body'     => is_string( $answer[1] ) ? $answer[1] : (string) wp_json_encode( $answer[1] ),
			'response' => array(
				'code'    => $answer[0],
				'message' => '',
			),
			'cookies'  => array(),
			'filename' => null,
		);
	}

	/**
	 * Checks a request's signature as the server would: true when signed by $public_key for this site's URL.
	 *
	 * @param array<string, mixed> $request    A recorded request.
	 * @param string               $public_key The site's public key.
	 */
	public static function is_signed_by( array $request, string $public_key ): bool {
		$h = $request['headers'];
		if ( ( $h['X-IGNY8-Content-SHA256'] ?? '' ) !== hash( 'sha256', $request['body'] ) || '1' !== ( $h['X-IGNY8-Version'] ?? '' ) ) {
			return false;
		}
		$canonical = Signature::canonical_string(
			$request['method'],
			$request['url'],
			$request['body'],
			(string) ( $h['X-IGNY8-Site'] ?? '' ),
			home_url(),
			(int) ( $h['X-IGNY8-Timestamp'] ?? 0 ),
			(string) ( $h['X-IGNY8-Nonce'] ?? '' )
		);
		return Signature::verify( $canonical, (string) ( $h['X-IGNY8-Signature'] ?? '' ), $public_key );
	}

	/**
	 * The API's success envelope.
	 *
	 * @param array<string, mixed> $data Data.
	 * @return array{0: int, 1: array<string, mixed>}
	 */
	public static function ok( array $data, int $status = 200 ): array {
		return array(
			$status,
			array(
				'success' => true,
				'data'    => $data,
			),
		);
	}

	/**
	 * The API's error envelope.
	 *
	 * @param int    $status HTTP status.
	 * @param string $code   Error code.
	 * @param string $error  Message.
	 * @return array{0: int, 1: array<string, mixed>}
	 */
	public static function error( int $status, string $code, string $error ): array {
		return array(
			$status,
			array(
				'success'   => false,
				'error'     => $error,
				'code'      => $code,
				'requestId' => 'req-test-1',
			),
		);
	}
}
