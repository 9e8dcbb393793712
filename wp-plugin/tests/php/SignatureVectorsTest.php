<?php
/**
 * The PHP signature against the shared vectors (shared/test-vectors/signing.json), which the TypeScript twin
 * checks too: canonical strings and Ed25519 signatures must be byte-identical on both sides.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Tests;

use IGNY8\Connection\Signature;
use PHPUnit\Framework\TestCase;

/**
 * Signature::canonical_string(), sign(), verify().
 */
final class SignatureVectorsTest extends TestCase {

	/** @return array<string, mixed> */
	private static function vectors(): array {
		$file = dirname( __DIR__, 3 ) . '/shared/test-vectors/signing.json';
		return json_decode( (string) file_get_contents( $file ), true, 512, JSON_THROW_ON_ERROR ); // phpcs:ignore WordPress.WP.AlternativeFunctions
	}

	/** @return array<string, array{0: array<string, mixed>}> */
	public function vector_cases(): array {
		$cases = array();
		foreach ( self::vectors()['cases'] as $case ) {
			$cases[ $case['name'] ] = array( $case );
		}
		return $cases;
	}

	public function test_the_vector_key_pair_matches(): void {
		$key = self::vectors()['key'];
		$this->assertSame( $key['publicKey'], Signature::public_key_from_private( $key['privateKey'] ) );
		$this->assertGreaterThanOrEqual( 5, count( self::vectors()['cases'] ) );
	}

	/**
	 * @dataProvider vector_cases
	 * @param array<string, mixed> $case One vector.
	 */
	public function test_vector( array $case ): void {
		$key       = self::vectors()['key'];
		$canonical = self::canonical( $case );
		$this->assertSame( $case['canonical'], $canonical, 'canonical string' );
		$this->assertSame( $case['contentSha256'], Signature::sha256_hex( $case['body'] ), 'content hash' );
		$signature = Signature::sign( $canonical, $key['privateKey'] );
		$this->assertSame( $case['signature'], $signature, 'Ed25519 is deterministic: the same signature as the TS' );
		$this->assertTrue( Signature::verify( $canonical, $case['signature'], $key['publicKey'] ) );

		$headers = Signature::sign_request( $case['method'], $case['url'], $case['body'], $case['siteId'], $case['siteUrl'], $key['keyId'], $key['privateKey'], $case['timestamp'], $case['nonce'] );
		$this->assertSame( $case['signature'], $headers['X-IGNY8-Signature'] );
		$this->assertSame( $case['contentSha256'], $headers['X-IGNY8-Content-SHA256'] );
	}

	/**
	 * @dataProvider vector_cases
	 * @param array<string, mixed> $case One vector.
	 */
	public function test_one_changed_byte_breaks_the_signature( array $case ): void {
		$public = self::vectors()['key']['publicKey'];
		$url    = $case['url'];
		$parts  = wp_parse_url( $url );

		$body = $case;
		$body['body'] = '' === $case['body'] ? 'x' : substr_replace( $case['body'], chr( ord( $case['body'][0] ) ^ 1 ), 0, 1 );
		$this->assertFalse( Signature::verify( self::canonical( $body ), $case['signature'], $public ), 'body' );

		$path = $case;
		$path['url'] = isset( $parts['path'] ) && strlen( $parts['path'] ) > 1
			? str_replace( $parts['path'], substr( $parts['path'], 0, -1 ) . chr( ord( substr( $parts['path'], -1 ) ) ^ 1 ), $url )
			: preg_replace( '~^([a-z]+://[^/?#]+)/?~i', '$1/x', $url, 1 );
		$this->assertNotSame( $url, $path['url'] );
		$this->assertFalse( Signature::verify( self::canonical( $path ), $case['signature'], $public ), 'path' );

		$query = $case;
		$query['url'] = isset( $parts['query'] ) ? $url . 'x' : $url . '?x=1';
		$this->assertFalse( Signature::verify( self::canonical( $query ), $case['signature'], $public ), 'query' );

		$time = $case;
		$time['timestamp'] = $case['timestamp'] + 1;
		$this->assertFalse( Signature::verify( self::canonical( $time ), $case['signature'], $public ), 'timestamp' );

		$signature = $case['signature'];
		$signature[10] = 'A' === $signature[10] ? 'B' : 'A';
		$this->assertFalse( Signature::verify( $case['canonical'], $signature, $public ), 'signature' );
	}

	/**
	 * Inputs beyond the vectors, with the canonical parts the TypeScript produced for them (computed with
	 * shared/src/signing.ts): where PHP's own URL functions would differ from a WHATWG URL parser.
	 *
	 * @return array<string, array{0: string, 1: string, 2: string, 3: string}>
	 */
	public function edge_cases(): array {
		return array(
			'a leading "?" in the query is a name'     => array( 'https://api.igny8.test:8443??', 'api.igny8.test:8443', '/', '%3F=' ),
			'malformed escape keeps the raw part'      => array( 'http://example.com/?q=a+b%', 'example.com', '/', 'q=a%2Bb%25' ),
			'invalid UTF-8 keeps the raw part'         => array( 'http://example.com/?q=%FF', 'example.com', '/', 'q=%25FF' ),
			'encoded surrogate keeps the raw part'     => array( 'http://example.com/?q=%ED%A0%80', 'example.com', '/', 'q=%25ED%25A0%2580' ),
			'raw space and quote are encoded'          => array( "http://example.com/?q='a b'", 'example.com', '/', 'q=%27a%20b%27' ),
			'upper-case scheme, default port dropped'  => array( 'HTTP://EXAMPLE.COM:80/A/B?X=Y', 'example.com', '/A/B', 'X=Y' ),
			'https on port 80 keeps it'                => array( 'https://example.com:80/x', 'example.com:80', '/x', '' ),
			'leading zeros of a port'                  => array( 'http://example.com:0080/x', 'example.com', '/x', '' ),
			'IPv6 host'                                => array( 'https://[::1]:8443/x?y', '[::1]:8443', '/x', 'y=' ),
			'user info and fragment dropped'           => array( 'http://user:pw@Example.com:8080/p?q#frag', 'example.com:8080', '/p', 'q=' ),
			'empty pairs dropped, "=" inside a value'  => array( 'http://example.com/?&&a=1=2&&', 'example.com', '/', 'a=1%3D2' ),
			'dot segments in the path are as sent'     => array( 'http://example.com/a%2fb/../c', 'example.com', '/a%2fb/../c', '' ),
			'Unicode host in punycode'                 => array( 'http://Bücher.example/x', 'xn--bcher-kva.example', '/x', '' ),
		);
	}

	/**
	 * @dataProvider edge_cases
	 */
	public function test_canonical_parts_match_the_typescript( string $url, string $host, string $path, string $query ): void {
		$lines = explode( "\n", Signature::canonical_string( 'GET', $url, '', 's', 'http://example.com', 1, 'n' ) );
		$this->assertSame( array( $host, $path, $query ), array( $lines[2], $lines[3], $lines[4] ) );
	}

	/** @return array<string, array{0: string, 1: string}> */
	public function site_urls(): array {
		return array(
			'trailing slashes'        => array( 'https://Shop.Example.com:443/blog//', 'https://shop.example.com/blog' ),
			'query and fragment'      => array( 'http://example.com/?x=1#f', 'http://example.com' ),
			'dot segments'            => array( 'http://example.com/a/../b/./', 'http://example.com/b' ),
			'space and Unicode path'  => array( 'http://example.com/a b/café/', 'http://example.com/a%20b/caf%C3%A9' ),
			'port kept when not default' => array( 'http://localhost:8080/wp/', 'http://localhost:8080/wp' ),
		);
	}

	/**
	 * @dataProvider site_urls
	 */
	public function test_site_url_normalization_matches_the_typescript( string $raw, string $normalized ): void {
		$this->assertSame( $normalized, Signature::normalize_site_url( $raw ) );
	}

	public function test_generated_key_pairs_sign_and_verify(): void {
		$pair = Signature::generate_key_pair();
		$this->assertMatchesRegularExpression( '/^[0-9a-f]{16}$/', $pair['key_id'] );
		$this->assertMatchesRegularExpression( '/^[A-Za-z0-9_-]{43}$/', $pair['private'] );
		$this->assertMatchesRegularExpression( '/^[A-Za-z0-9_-]{43}$/', $pair['public'] );
		$signature = Signature::sign( 'message', $pair['private'] );
		$this->assertSame( 86, strlen( $signature ) );
		$this->assertTrue( Signature::verify( 'message', $signature, $pair['public'] ) );
		$this->assertFalse( Signature::verify( 'message', $signature, Signature::generate_key_pair()['public'] ) );
		$this->assertFalse( Signature::verify( 'message', 'not base64url!', $pair['public'] ) );
		$this->assertMatchesRegularExpression( '/^[A-Za-z0-9_-]{32}$/', Signature::new_nonce() );
	}

	/**
	 * Canonical string of a vector-shaped case.
	 *
	 * @param array<string, mixed> $case Case.
	 */
	private static function canonical( array $case ): string {
		return Signature::canonical_string( $case['method'], $case['url'], $case['body'], $case['siteId'], $case['siteUrl'], (int) $case['timestamp'], $case['nonce'] );
	}
}
