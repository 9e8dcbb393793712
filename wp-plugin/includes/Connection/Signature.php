<?php
/**
 * The site <-> server request signature (docs/connection-protocol.md).
 *
 * PHP twin of shared/src/signing.ts: both must build byte-identical canonical strings, which
 * tests/php/SignatureVectorsTest.php checks against shared/test-vectors/signing.json. Ed25519 only: the
 * algorithm is fixed by the protocol version, and nothing a request carries (an `alg` field or header) can
 * select another one.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Connection;

use InvalidArgumentException;
use WP_Error;
use WP_REST_Request;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Canonical strings, Ed25519 signing and the ordered verification of a signed request.
 */
final class Signature {

	public const VERSION = '1';

	/** A timestamp further than this from our clock is refused. */
	public const WINDOW_SECONDS = 300;

	/** Nonces are remembered twice as long as the window, so none can be replayed while its timestamp is valid. */
	public const NONCE_TTL_SECONDS = 600;

	private const PREFIX = 'IGNY8-SIG-V1';

	private const DEFAULT_PORTS = array(
		'http'  => 80,
		'https' => 443,
		'ws'    => 80,
		'wss'   => 443,
		'ftp'   => 21,
	);

	/** Header names as sent; WP_REST_Request looks them up case- and dash/underscore-insensitively. */
	public const HEADERS = array(
		'version'        => 'X-IGNY8-Version',
		'site'           => 'X-IGNY8-Site',
		'key_id'         => 'X-IGNY8-Key-Id',
		'timestamp'      => 'X-IGNY8-Timestamp',
		'nonce'          => 'X-IGNY8-Nonce',
		'content_sha256' => 'X-IGNY8-Content-SHA256',
		'signature'      => 'X-IGNY8-Signature',
	);

	private const NONCE_PATTERN     = '/^[A-Za-z0-9_-]{16,64}$/';
	private const KEY_ID_PATTERN    = '/^[0-9a-f]{16}$/';
	private const UUID_PATTERN      = '/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/';
	private const BASE64URL_PATTERN = '/^[A-Za-z0-9_-]+$/';

	/**
	 * Unpadded base64url, the protocol's encoding for keys and signatures.
	 *
	 * @param string $bytes Raw bytes.
	 */
	public static function base64url_encode( string $bytes ): string {
		return rtrim( strtr( base64_encode( $bytes ), '+/', '-_' ), '=' );
	}

	/**
	 * Decodes unpadded base64url; null when the text is not base64url.
	 *
	 * @param string $text base64url text.
	 */
	public static function base64url_decode( string $text ): ?string {
		if ( 1 !== preg_match( self::BASE64URL_PATTERN, $text ) || 1 === strlen( $text ) % 4 ) {
			return null;
		}
		$bytes = base64_decode( strtr( $text, '-_', '+/' ), true );
		return false === $bytes ? null : $bytes;
	}

	/**
	 * Lower-case hex SHA-256 of the exact body bytes.
	 *
	 * @param string $body Body bytes ('' when there is none).
	 */
	public static function sha256_hex( string $body ): string {
		return hash( 'sha256', $body );
	}

	/**
	 * The canonical query: every name=value pair decoded, re-encoded with RFC 3986 rules, sorted by name then
	 * value (byte order), joined with &.
	 *
	 * Decoding follows the TypeScript twin exactly, not PHP's urldecode(): it percent-encodes what a WHATWG URL
	 * parser would (the TS reads `url.search`), and when a part has a malformed escape or decodes to invalid
	 * UTF-8 (JavaScript's decodeURIComponent throws) the part is kept as it was, `+` included. For well-formed
	 * input both agree with "urldecode then rawurlencode".
	 *
	 * @param string $raw_query Query string as sent, with or without the leading "?".
	 */
	public static function canonical_query( string $raw_query ): string {
		$query = str_starts_with( $raw_query, '?' ) ? substr( $raw_query, 1 ) : $raw_query;
		$query = self::whatwg_encode( str_replace( array( "\t", "\n", "\r" ), '', $query ), '/[\x00-\x20"#<>\'\x7F-\xFF]/' );
		if ( '' === $query ) {
			return '';
		}
		$pairs = array();
		foreach ( explode( '&', $query ) as $part ) {
			if ( '' === $part ) {
				continue;
			}
			$eq      = strpos( $part, '=' );
			$name    = false === $eq ? $part : substr( $part, 0, $eq );
			$value   = false === $eq ? '' : substr( $part, $eq + 1 );
			$pairs[] = array( rawurlencode( self::decode_query_part( $name ) ), rawurlencode( self::decode_query_part( $value ) ) );
		}
		usort(
			$pairs,
			static function ( array $a, array $b ): int {
				$by_name = strcmp( $a[0], $b[0] );
				return 0 !== $by_name ? $by_name : strcmp( $a[1], $b[1] );
			}
		);
		return implode(
			'&',
			array_map(
				static function ( array $pair ): string {
					return $pair[0] . '=' . $pair[1];
				},
				$pairs
			)
		);
	}

	/**
	 * The site URL as both sides compare it: scheme, lower-case host, port when not the default, path without
	 * trailing slash (no query, no fragment).
	 *
	 * @param string $raw A site URL such as home_url().
	 * @throws InvalidArgumentException When it is not an absolute URL.
	 */
	public static function normalize_site_url( string $raw ): string {
		// A WHATWG parser (the TS side) reads "\" as "/" in http(s) URLs and resolves dot segments in the path.
		$url  = self::split_url( str_replace( '\\', '/', $raw ) );
		$path = self::whatwg_encode( self::remove_dot_segments( $url['path'] ), '/[\x00-\x20"#<>?`{}\x7F-\xFF]/' );
		return $url['scheme'] . '://' . $url['host'] . rtrim( $path, '/' );
	}

	/**
	 * The string both sides sign (see "Canonical string" in the protocol).
	 *
	 * @param string      $method         HTTP method.
	 * @param string      $url            Full URL the request is sent to, path and query exactly as sent.
	 * @param string      $body           Body bytes; ignored when $content_sha256 is given.
	 * @param string      $site_id        Site id the server assigned.
	 * @param string      $site_url       The site's home URL as registered.
	 * @param int         $timestamp      Unix seconds.
	 * @param string      $nonce          Fresh per request.
	 * @param string|null $content_sha256 Hex SHA-256 of the body, when already known.
	 * @throws InvalidArgumentException When $url or $site_url is not an absolute URL.
	 */
	public static function canonical_string( string $method, string $url, string $body, string $site_id, string $site_url, int $timestamp, string $nonce, ?string $content_sha256 = null ): string {
		$parts = self::split_url( $url );
		return implode(
			"\n",
			array(
				self::PREFIX,
				strtoupper( $method ),
				$parts['host'],
				'' === $parts['path'] ? '/' : $parts['path'],
				// As the TS reads url.search: exactly one leading "?" is stripped, so "??x" keeps a "?x" name.
				self::canonical_query( '?' . $parts['query'] ),
				(string) $timestamp,
				$nonce,
				$content_sha256 ?? self::sha256_hex( $body ),
				$site_id,
				self::normalize_site_url( $site_url ),
			)
		);
	}

	/**
	 * Ed25519 signature of $message, base64url.
	 *
	 * @param string $message     What to sign (a canonical string).
	 * @param string $private_key base64url of the 32-byte seed.
	 * @throws InvalidArgumentException When the key is not a 32-byte seed.
	 */
	public static function sign( string $message, string $private_key ): string {
		$seed = self::base64url_decode( $private_key );
		if ( null === $seed || SODIUM_CRYPTO_SIGN_SEEDBYTES !== strlen( $seed ) ) {
			throw new InvalidArgumentException( 'The signing key must be a base64url 32-byte Ed25519 seed.' );
		}
		$secret    = sodium_crypto_sign_secretkey( sodium_crypto_sign_seed_keypair( $seed ) );
		$signature = sodium_crypto_sign_detached( $message, $secret );
		sodium_memzero( $secret );
		return self::base64url_encode( $signature );
	}

	/**
	 * Constant-time Ed25519 check; false for anything malformed.
	 *
	 * @param string $message    The canonical string.
	 * @param string $signature  base64url signature.
	 * @param string $public_key base64url 32-byte public key.
	 */
	public static function verify( string $message, string $signature, string $public_key ): bool {
		$signature_bytes = self::base64url_decode( $signature );
		$public_bytes    = self::base64url_decode( $public_key );
		if ( null === $signature_bytes || null === $public_bytes
			|| SODIUM_CRYPTO_SIGN_BYTES !== strlen( $signature_bytes )
			|| SODIUM_CRYPTO_SIGN_PUBLICKEYBYTES !== strlen( $public_bytes ) ) {
			return false;
		}
		try {
			return sodium_crypto_sign_verify_detached( $signature_bytes, $message, $public_bytes );
		} catch ( \SodiumException $e ) {
			return false;
		}
	}

	/**
	 * A fresh key pair: key id (16 hex), private (base64url seed, keep secret), public (base64url).
	 *
	 * @return array{key_id: string, private: string, public: string}
	 */
	public static function generate_key_pair(): array {
		$seed = random_bytes( SODIUM_CRYPTO_SIGN_SEEDBYTES );
		return array(
			'key_id'  => bin2hex( random_bytes( 8 ) ),
			'private' => self::base64url_encode( $seed ),
			'public'  => self::public_key_from_private( self::base64url_encode( $seed ) ),
		);
	}

	/**
	 * The base64url public key of a base64url seed.
	 *
	 * @param string $private_key base64url seed.
	 * @throws InvalidArgumentException When the key is not a 32-byte seed.
	 */
	public static function public_key_from_private( string $private_key ): string {
		$seed = self::base64url_decode( $private_key );
		if ( null === $seed || SODIUM_CRYPTO_SIGN_SEEDBYTES !== strlen( $seed ) ) {
			throw new InvalidArgumentException( 'The signing key must be a base64url 32-byte Ed25519 seed.' );
		}
		return self::base64url_encode( sodium_crypto_sign_publickey( sodium_crypto_sign_seed_keypair( $seed ) ) );
	}

	/** 32 base64url characters of fresh randomness. */
	public static function new_nonce(): string {
		return self::base64url_encode( random_bytes( 24 ) );
	}

	/**
	 * The headers to send with a signed request.
	 *
	 * @param string   $method      HTTP method.
	 * @param string   $url         Full URL, exactly as it will be sent.
	 * @param string   $body        Exact body bytes.
	 * @param string   $site_id     Site id.
	 * @param string   $site_url    Site home URL.
	 * @param string   $key_id      Id of the signing key.
	 * @param string   $private_key base64url seed of the signing key.
	 * @param int|null $timestamp   Unix seconds (now when null).
	 * @param string   $nonce       Nonce (fresh when null).
	 * @return array<string, string>
	 */
	public static function sign_request( string $method, string $url, string $body, string $site_id, string $site_url, string $key_id, string $private_key, ?int $timestamp = null, ?string $nonce = null ): array {
		$timestamp      = $timestamp ?? time();
		$nonce          = $nonce ?? self::new_nonce();
		$content_sha256 = self::sha256_hex( $body );
		$canonical      = self::canonical_string( $method, $url, $body, $site_id, $site_url, $timestamp, $nonce, $content_sha256 );
		return array(
			self::HEADERS['version']        => self::VERSION,
			self::HEADERS['site']           => $site_id,
			self::HEADERS['key_id']         => $key_id,
			self::HEADERS['timestamp']      => (string) $timestamp,
			self::HEADERS['nonce']          => $nonce,
			self::HEADERS['content_sha256'] => $content_sha256,
			self::HEADERS['signature']      => self::sign( $canonical, $private_key ),
		);
	}

	/**
	 * Verifies a signed request to this site, in the order the protocol fixes (docs/connection-protocol.md,
	 * "Verification"): version and header formats, timestamp window, body hash, key lookup, nonce (consumed
	 * BEFORE the signature is checked, so a replay is refused even while an attacker probes signatures), then
	 * the Ed25519 signature over the URL as the client sent it.
	 *
	 * @param WP_REST_Request $request           The request.
	 * @param callable        $lookup_public_key fn( string $site_id, string $key_id ): string|null|WP_Error, the
	 *                                           peer's base64url public key; null for an unknown key; a WP_Error
	 *                                           (e.g. igny8_site_not_connected) to refuse.
	 * @param string|null     $site_url          Site URL in the canonical string (home_url() when null).
	 * @param int|null        $now               Verifier's clock (time() when null).
	 * @return true|WP_Error
	 */
	public static function verify_request( WP_REST_Request $request, callable $lookup_public_key, ?string $site_url = null, ?int $now = null ) {
		$header = static function ( string $name ) use ( $request ): string {
			return (string) $request->get_header( $name );
		};

		// 1. Version and every header well-formed.
		if ( self::VERSION !== $header( self::HEADERS['version'] ) ) {
			return self::invalid( __( 'unsupported or missing X-IGNY8-Version', 'igny8' ) );
		}
		$site_id        = $header( self::HEADERS['site'] );
		$key_id         = $header( self::HEADERS['key_id'] );
		$timestamp      = $header( self::HEADERS['timestamp'] );
		$nonce          = $header( self::HEADERS['nonce'] );
		$content_sha256 = $header( self::HEADERS['content_sha256'] );
		$signature      = $header( self::HEADERS['signature'] );
		if ( 1 !== preg_match( self::UUID_PATTERN, $site_id ) ) {
			return self::invalid( __( 'X-IGNY8-Site must be a site id', 'igny8' ) );
		}
		if ( 1 !== preg_match( self::KEY_ID_PATTERN, $key_id ) ) {
			return self::invalid( __( 'X-IGNY8-Key-Id must be 16 hex characters', 'igny8' ) );
		}
		if ( 1 !== preg_match( '/^\d{1,12}$/', $timestamp ) ) {
			return self::invalid( __( 'X-IGNY8-Timestamp must be Unix seconds', 'igny8' ) );
		}
		if ( 1 !== preg_match( self::NONCE_PATTERN, $nonce ) ) {
			return self::invalid( __( 'X-IGNY8-Nonce must be 16-64 characters of [A-Za-z0-9_-]', 'igny8' ) );
		}
		if ( 1 !== preg_match( '/^[0-9a-f]{64}$/', $content_sha256 ) ) {
			return self::invalid( __( 'X-IGNY8-Content-SHA256 must be lower-case hex', 'igny8' ) );
		}
		if ( 1 !== preg_match( self::BASE64URL_PATTERN, $signature ) || 86 !== strlen( $signature ) ) {
			return self::invalid( __( 'X-IGNY8-Signature must be base64url', 'igny8' ) );
		}

		// 2. Timestamp window.
		$now = $now ?? time();
		if ( abs( $now - (int) $timestamp ) > self::WINDOW_SECONDS ) {
			return new WP_Error(
				'igny8_signature_expired',
				sprintf(
					/* translators: %d: seconds */
					__( 'The request timestamp is more than %d seconds off: check the clock of the sending machine.', 'igny8' ),
					self::WINDOW_SECONDS
				),
				array( 'status' => 401 )
			);
		}

		// 3. The body is the one that was signed.
		$body = (string) $request->get_body();
		if ( ! hash_equals( self::sha256_hex( $body ), $content_sha256 ) ) {
			return self::invalid( __( 'the body does not match its hash', 'igny8' ) );
		}

		// 4. The connection exists and the key id names one of the peer's keys.
		$public_key = $lookup_public_key( $site_id, $key_id );
		if ( $public_key instanceof WP_Error ) {
			$data = $public_key->get_error_data();
			if ( ! is_array( $data ) || ! isset( $data['status'] ) ) {
				$public_key->add_data( array( 'status' => 401 ) );
			}
			return $public_key;
		}
		if ( ! is_string( $public_key ) || '' === $public_key ) {
			return self::invalid( __( 'the key id is not one of the IGNY8 server keys this site knows', 'igny8' ) );
		}

		// 5. Consume the nonce before the signature check.
		$consumed = ( new NonceStore() )->consume( $site_id, $nonce, self::NONCE_TTL_SECONDS );
		if ( $consumed instanceof WP_Error ) {
			return $consumed;
		}
		if ( ! $consumed ) {
			return new WP_Error(
				'igny8_signature_replayed',
				__( 'This request was already received once (its nonce was used before); a replayed request is refused.', 'igny8' ),
				array( 'status' => 401 )
			);
		}

		// 6. The signature over the URL exactly as the client sent it.
		try {
			$canonical = self::canonical_string(
				$request->get_method(),
				self::requested_url(),
				$body,
				$site_id,
				$site_url ?? home_url(),
				(int) $timestamp,
				$nonce,
				$content_sha256
			);
		} catch ( InvalidArgumentException $e ) {
			return self::invalid( __( 'the request URL cannot be rebuilt', 'igny8' ) );
		}
		if ( ! self::verify( $canonical, $signature, $public_key ) ) {
			return new WP_Error( 'igny8_signature_invalid', __( 'The request signature is invalid.', 'igny8' ), array( 'status' => 401 ) );
		}
		return true;
	}

	/**
	 * The URL of the current request as the client sent it: scheme, Host header, then the raw path and query
	 * from REQUEST_URI (so both /wp-json/igny8/v1/... and /?rest_route=/igny8/v1/... verify as signed).
	 */
	public static function requested_url(): string {
		// WordPress adds magic quotes to $_SERVER; undo them to get the bytes the client sent.
		$uri = isset( $_SERVER['REQUEST_URI'] ) ? (string) wp_unslash( $_SERVER['REQUEST_URI'] ) : '/'; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized
		if ( 1 === preg_match( '~^[a-z][a-z0-9+.-]*://~i', $uri ) ) {
			return $uri; // Absolute-form request target (sent through a proxy).
		}
		$host = isset( $_SERVER['HTTP_HOST'] ) ? (string) wp_unslash( $_SERVER['HTTP_HOST'] ) : ''; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized
		if ( '' === $host ) {
			$home = wp_parse_url( home_url() );
			$host = ( $home['host'] ?? 'localhost' ) . ( isset( $home['port'] ) ? ':' . $home['port'] : '' );
		}
		return ( is_ssl() ? 'https' : 'http' ) . '://' . $host . ( '' === $uri ? '/' : $uri );
	}

	/**
	 * A 401 igny8_signature_invalid naming what is wrong.
	 *
	 * @param string $what What is wrong, in words.
	 */
	private static function invalid( string $what ): WP_Error {
		return new WP_Error(
			'igny8_signature_invalid',
			/* translators: %s: what is wrong with the signature */
			sprintf( __( 'The request signature is invalid: %s.', 'igny8' ), $what ),
			array( 'status' => 401 )
		);
	}

	/**
	 * Decodes one query name or value as the TS does: `+` is a space, then decodeURIComponent, whose failure
	 * (malformed escape, invalid UTF-8) keeps the part untouched.
	 *
	 * @param string $part A name or value, percent-encoded.
	 */
	private static function decode_query_part( string $part ): string {
		$spaced = str_replace( '+', ' ', $part );
		if ( 1 === preg_match( '/%(?![0-9A-Fa-f]{2})/', $spaced ) ) {
			return $part;
		}
		$decoded = rawurldecode( $spaced );
		return 1 === preg_match( '//u', $decoded ) ? $decoded : $part;
	}

	/**
	 * Percent-encodes the bytes a WHATWG URL parser would, so raw bytes compare as the TS sees them.
	 *
	 * @param string $text    Part of a URL.
	 * @param string $pattern One-byte character class to encode.
	 */
	private static function whatwg_encode( string $text, string $pattern ): string {
		return (string) preg_replace_callback(
			$pattern,
			static function ( array $match ): string {
				return sprintf( '%%%02X', ord( $match[0] ) );
			},
			$text
		);
	}

	/**
	 * Lower-case ASCII host as a WHATWG parser makes it: percent-escapes decoded, Unicode names in punycode
	 * (when PHP has intl; a Host header is always ASCII anyway).
	 *
	 * @param string $host Host, IPv6 in brackets.
	 */
	private static function ascii_host( string $host ): string {
		if ( str_contains( $host, '%' ) && ! str_starts_with( $host, '[' ) ) {
			$host = rawurldecode( $host );
		}
		if ( 1 === preg_match( '/[\x80-\xFF]/', $host ) && function_exists( 'idn_to_ascii' ) ) {
			$ascii = idn_to_ascii( $host, IDNA_NONTRANSITIONAL_TO_ASCII, INTL_IDNA_VARIANT_UTS46 );
			$host  = false === $ascii ? $host : $ascii;
		}
		return strtolower( $host );
	}

	/**
	 * Resolves "." and ".." segments (also written %2e) as a WHATWG parser does in a URL path.
	 *
	 * @param string $path Path starting with "/", or "".
	 */
	private static function remove_dot_segments( string $path ): string {
		if ( '' === $path ) {
			return '';
		}
		$segments = explode( '/', substr( $path, 1 ) );
		$last     = count( $segments ) - 1;
		$kept     = array();
		foreach ( $segments as $index => $segment ) {
			$lower = strtolower( $segment );
			if ( in_array( $lower, array( '..', '.%2e', '%2e.', '%2e%2e' ), true ) ) {
				array_pop( $kept );
				if ( $index === $last ) {
					$kept[] = '';
				}
			} elseif ( in_array( $lower, array( '.', '%2e' ), true ) ) {
				if ( $index === $last ) {
					$kept[] = '';
				}
			} else {
				$kept[] = $segment;
			}
		}
		return '/' . implode( '/', $kept );
	}

	/**
	 * Splits an absolute URL into scheme, canonical host (lower-case, port only when not the default), raw path
	 * and raw query, the way the TS reads them (raw path from the string; fragment dropped).
	 *
	 * @param string $url Absolute URL.
	 * @return array{scheme: string, host: string, path: string, query: string}
	 * @throws InvalidArgumentException When it is not an absolute URL with a host.
	 */
	private static function split_url( string $url ): array {
		$trimmed = trim( $url, "\x00..\x20" );
		if ( 1 !== preg_match( '~^([a-z][a-z0-9+.-]*)://([^/?#]*)(.*)$~is', $trimmed, $m ) ) {
			throw new InvalidArgumentException( 'Not an absolute URL.' );
		}
		$scheme    = strtolower( $m[1] );
		$authority = str_replace( array( "\t", "\n", "\r" ), '', $m[2] );
		$rest      = $m[3];

		$at = strrpos( $authority, '@' );
		if ( false !== $at ) {
			$authority = substr( $authority, $at + 1 );
		}
		$port = '';
		if ( str_starts_with( $authority, '[' ) ) {
			$close = strpos( $authority, ']' );
			if ( false === $close ) {
				throw new InvalidArgumentException( 'Malformed IPv6 host.' );
			}
			$host  = substr( $authority, 0, $close + 1 );
			$after = substr( $authority, $close + 1 );
			if ( '' !== $after ) {
				if ( ! str_starts_with( $after, ':' ) ) {
					throw new InvalidArgumentException( 'Malformed host.' );
				}
				$port = substr( $after, 1 );
			}
		} else {
			$colon = strrpos( $authority, ':' );
			$host  = false === $colon ? $authority : substr( $authority, 0, $colon );
			$port  = false === $colon ? '' : substr( $authority, $colon + 1 );
		}
		if ( '' === $host ) {
			throw new InvalidArgumentException( 'The URL has no host.' );
		}
		$host = self::ascii_host( $host );
		if ( '' !== $port ) {
			if ( 1 !== preg_match( '/^\d+$/', $port ) || (int) $port > 65535 ) {
				throw new InvalidArgumentException( 'Malformed port.' );
			}
			$port_number = (int) $port;
			if ( ( self::DEFAULT_PORTS[ $scheme ] ?? null ) !== $port_number ) {
				$host .= ':' . $port_number;
			}
		}

		$hash = strpos( $rest, '#' );
		if ( false !== $hash ) {
			$rest = substr( $rest, 0, $hash );
		}
		$question = strpos( $rest, '?' );
		return array(
			'scheme' => $scheme,
			'host'   => $host,
			'path'   => false === $question ? $rest : substr( $rest, 0, $question ),
			'query'  => false === $question ? '' : substr( $rest, $question + 1 ),
		);
	}
}
