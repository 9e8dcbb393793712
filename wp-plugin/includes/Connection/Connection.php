<?php
/**
 * The connection between this site and the IGNY8 server: the handshake, disconnection, key rotation, and the
 * status the Connection screen shows (docs/connection-protocol.md).
 *
 * The browser only ever calls the plugin's own REST routes; every secret (connection key, site key,
 * application password, handshake secrets) stays between PHP and the server.
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
 * Connection service used by the REST controllers.
 */
final class Connection {

	/** The Connection screen refreshes account name and credits through a heartbeat at most this often. */
	public const REFRESH_SECONDS = 60;

	/** The IGNY8 server a site connects to unless wp-config.php (IGNY8_SERVER_URL) or the admin names another. */
	public const DEFAULT_SERVER_URL = 'https://app.igny8.com';

	/** The server URL last used to connect (so the Connection screen offers it again). */
	public const SERVER_URL_OPTION = 'igny8_server_url';

	/** The query parameters the IGNY8 app sends the browser back with (docs/connection-protocol.md). */
	public const GRANT_PARAM = 'igny8_grant';
	public const STATE_PARAM = 'igny8_state';

	private KeyStore $keys;
	private Publisher $publisher;
	private ServerClient $client;

	/**
	 * Constructor.
	 *
	 * @param KeyStore|null     $keys      Storage.
	 * @param Publisher|null    $publisher Publishing user.
	 * @param ServerClient|null $client    Server client.
	 */
	public function __construct( ?KeyStore $keys = null, ?Publisher $publisher = null, ?ServerClient $client = null ) {
		$this->keys      = $keys ?? new KeyStore();
		$this->publisher = $publisher ?? new Publisher();
		$this->client    = $client ?? new ServerClient( $this->keys );
	}

	/**
	 * The handshake (protocol "Handshake", steps 2-5): makes the site key pair, the two secrets and the
	 * publishing user's application password, registers with the server (which calls connect/verify back),
	 * then stores the server's key. On any failure nothing is kept: no pending secrets, no password, and no
	 * publishing user when this attempt created it.
	 *
	 * @param string $server_url     Server base URL as the admin entered it.
	 * @param string $connection_key Account connection key (single use, from the IGNY8 account).
	 * @param int    $user_id        The admin starting it.
	 * @return array<string, mixed>|WP_Error The status (see status()).
	 */
	public function start( string $server_url, string $connection_key, int $user_id ) {
		$server_url = self::validate_server_url( $server_url );
		if ( $server_url instanceof WP_Error ) {
			return $server_url;
		}
		$connection_key = self::validate_connection_key( $connection_key );
		if ( $connection_key instanceof WP_Error ) {
			return $connection_key;
		}
		return $this->handshake( $server_url, array( 'connectionKey' => $connection_key ), $user_id );
	}

	/**
	 * Connect to IGNY8, first half: makes the user's single-use state and answers the IGNY8 app's address to send
	 * the browser to, naming this site, the state, and this Connection screen to come back to.
	 *
	 * @param int         $user_id    The administrator pressing the button.
	 * @param string      $return_url Where the app sends the browser back: this site's Connection screen.
	 * @param string|null $server_url Another IGNY8 server than the configured one (refused when wp-config.php
	 *                                fixes it).
	 * @return array{url: string, serverUrl: string, expiresAt: string}|WP_Error
	 */
	public function authorize( int $user_id, string $return_url, ?string $server_url = null ) {
		$ready = $this->can_connect();
		if ( $ready instanceof WP_Error ) {
			return $ready;
		}
		$configured = self::configured_server_url();
		if ( null === $server_url || '' === trim( $server_url ) ) {
			$server_url = $configured;
		} else {
			$server_url = self::validate_server_url( $server_url );
			if ( $server_url instanceof WP_Error ) {
				return $server_url;
			}
			if ( self::server_url_is_fixed() && $server_url !== $configured ) {
				return new WP_Error(
					'igny8_server_url_fixed',
					/* translators: %s: the IGNY8 server URL set in wp-config.php */
					sprintf( __( 'This site\'s IGNY8 server is set in wp-config.php (IGNY8_SERVER_URL): %s.', 'igny8' ), $configured ),
					array( 'status' => 400 )
				);
			}
		}
		if ( ! self::server_url_is_fixed() ) {
			update_option( self::SERVER_URL_OPTION, $server_url, false );
		}
		$made = ( new ConnectState() )->create( $user_id, $server_url );
		$url  = $server_url . '/app/connect?' . http_build_query(
			array(
				'site_url'   => home_url(),
				'state'      => $made['state'],
				'return_url' => $return_url,
			),
			'',
			'&',
			PHP_QUERY_RFC3986
		);
		return array(
			'url'       => $url,
			'serverUrl' => $server_url,
			'expiresAt' => gmdate( 'Y-m-d\TH:i:s\Z', $made['expires_at'] ),
		);
	}

	/**
	 * Connect to IGNY8, second half: the browser came back with a grant and the state. The state must be the one
	 * this user made here (once, within 10 minutes); then the usual handshake runs with the grant in place of a
	 * connection key, against the server the state was made for.
	 *
	 * @param string $grant   igny8_grant from the address.
	 * @param string $state   igny8_state from the address.
	 * @param int    $user_id The current user.
	 * @return array<string, mixed>|WP_Error The status (see status()).
	 */
	public function complete( string $grant, string $state, int $user_id ) {
		$grant = trim( $grant );
		if ( strlen( $grant ) < 20 || strlen( $grant ) > 200 || 1 !== preg_match( '/^[A-Za-z0-9_-]+$/', $grant ) ) {
			return new WP_Error(
				'igny8_invalid_grant',
				__( 'The address IGNY8 sent you back with is incomplete (its igny8_grant is cut off). Press "Connect to IGNY8" again.', 'igny8' ),
				array( 'status' => 400 )
			);
		}
		$taken = ( new ConnectState() )->take( $user_id, $state );
		if ( $taken instanceof WP_Error ) {
			return $taken;
		}
		$server_url = self::validate_server_url( $taken['server_url'] );
		if ( $server_url instanceof WP_Error ) {
			return $server_url;
		}
		return $this->handshake(
			$server_url,
			array(
				'grant' => $grant,
				'state' => $state,
			),
			$user_id
		);
	}

	/**
	 * The IGNY8 server this site connects to: IGNY8_SERVER_URL from wp-config.php when set, else the last one used
	 * here, else DEFAULT_SERVER_URL.
	 */
	public static function configured_server_url(): string {
		if ( self::server_url_is_fixed() ) {
			$fixed = self::validate_server_url( (string) constant( 'IGNY8_SERVER_URL' ) );
			if ( is_string( $fixed ) ) {
				return $fixed;
			}
		}
		$saved = get_option( self::SERVER_URL_OPTION, '' );
		$saved = is_string( $saved ) && '' !== $saved ? self::validate_server_url( $saved ) : null;
		return is_string( $saved ) ? $saved : self::DEFAULT_SERVER_URL;
	}

	/** Whether wp-config.php names the server (IGNY8_SERVER_URL), so the Connection screen cannot change it. */
	public static function server_url_is_fixed(): bool {
		return defined( 'IGNY8_SERVER_URL' ) && is_string( constant( 'IGNY8_SERVER_URL' ) ) && '' !== constant( 'IGNY8_SERVER_URL' );
	}

	/**
	 * Whether a connection may start: not already connected, and application passwords available.
	 *
	 * @return true|WP_Error
	 */
	private function can_connect() {
		$current = $this->keys->connection();
		if ( null !== $current ) {
			return new WP_Error(
				'igny8_already_connected',
				/* translators: %s: IGNY8 account name */
				sprintf( __( 'This site is already connected to the IGNY8 account "%s". Disconnect it first to connect it again.', 'igny8' ), (string) $current['account_name'] ),
				array( 'status' => 409 )
			);
		}
		if ( ! wp_is_application_passwords_available() ) {
			return new WP_Error(
				'igny8_application_passwords_unavailable',
				__( 'IGNY8 publishes through a WordPress application password, and application passwords are turned off on this site (WordPress allows them only over HTTPS, or a plugin disabled them).', 'igny8' ),
				array( 'status' => 400 )
			);
		}
		return true;
	}

	/**
	 * The handshake itself, with a connection key or a grant and its state as the credential.
	 *
	 * @param string               $server_url Validated server URL.
	 * @param array<string, mixed> $credential { connectionKey } or { grant, state }.
	 * @param int                  $user_id    The admin connecting.
	 * @return array<string, mixed>|WP_Error The status.
	 */
	private function handshake( string $server_url, array $credential, int $user_id ) {
		$ready = $this->can_connect();
		if ( $ready instanceof WP_Error ) {
			return $ready;
		}

		$key_pair = Signature::generate_key_pair();
		$secret1  = Signature::base64url_encode( random_bytes( 32 ) );
		$secret2  = Signature::base64url_encode( random_bytes( 32 ) );

		$publisher = $this->publisher->ensure_user();
		if ( $publisher instanceof WP_Error ) {
			return $publisher;
		}
		list( $username, $application_password, $publisher_id ) = $publisher;

		$this->keys->save_pending( $secret1, $secret2, $user_id );
		global $wp_version;
		$answer = $this->client->register(
			$server_url,
			$credential + array(
				'siteUrl'       => home_url(),
				// With plain permalinks this is .../?rest_route=/ ; the server appends routes to what we give.
				'restUrl'       => get_rest_url(),
				'name'          => self::site_name(),
				'language'      => self::language_tag( (string) get_bloginfo( 'language' ) ),
				'timezone'      => self::timezone_name( wp_timezone_string() ),
				'wpVersion'     => (string) $wp_version,
				'pluginVersion' => ServerClient::plugin_version(),
				'sitePublicKey' => $key_pair['public'],
				'siteKeyId'     => $key_pair['key_id'],
				'secret1'       => $secret1,
				'secret2Hash'   => hash( 'sha256', $secret2 ),
				'publisher'     => array(
					'username'            => $username,
					'applicationPassword' => $application_password,
				),
			)
		);
		$this->keys->clear_pending();

		if ( ! $answer instanceof WP_Error ) {
			$answer = self::validate_register_answer( $answer );
		}
		if ( $answer instanceof WP_Error ) {
			$this->publisher->discard();
			return $answer;
		}

		$now = time();
		$this->keys->add_site_private_key( $key_pair['key_id'], $key_pair['private'] );
		$this->keys->keep_only_site_private_key( $key_pair['key_id'] );
		$this->keys->save_connection(
			array(
				// The URL the admin entered (and the server verified us through), not one the answer names.
				'server_url'             => $server_url,
				'site_id'                => $answer['siteId'],
				'account_id'             => $answer['accountId'],
				'account_name'           => $answer['accountName'],
				'connected_at'           => $now,
				'last_contact_at'        => $now,
				'server_public_keys'     => array( $answer['serverKeyId'] => $answer['serverPublicKey'] ),
				'site_key_id'            => $key_pair['key_id'],
				'publisher_user_id'      => $publisher_id,
				'credits_balance'        => null,
				'credits_checked_at'     => null,
				'heartbeat_attempted_at' => null,
				'connected_by'           => $user_id,
			)
		);
		if ( ! self::server_url_is_fixed() ) {
			update_option( self::SERVER_URL_OPTION, $server_url, false );
		}
		return $this->status();
	}

	/**
	 * connect/verify: answers secret2 for the pending secret1, once, within 10 minutes.
	 *
	 * @param string $secret1 What the server presents.
	 * @return string|WP_Error secret2.
	 */
	public function verify_secret( string $secret1 ) {
		$secret2 = '' === $secret1 ? null : $this->keys->take_secret2( $secret1 );
		if ( null === $secret2 ) {
			return new WP_Error(
				'igny8_verify_failed',
				__( 'No connection is waiting for this secret: it is wrong, expired (after 10 minutes) or already used. Start the connection again from IGNY8 > Connection in wp-admin.', 'igny8' ),
				array( 'status' => 403 )
			);
		}
		return $secret2;
	}

	/**
	 * Disconnects: tells the server (best effort, signed) unless it asked, then deletes keys and options and
	 * revokes the publishing user's application passwords whatever the server answered.
	 *
	 * @param bool $notify_server Call the server's disconnect first.
	 * @return array<string, mixed> The status afterwards.
	 */
	public function disconnect( bool $notify_server = true ): array {
		if ( $notify_server && null !== $this->keys->connection() ) {
			$this->client->disconnect(); // Best effort: an unreachable server must not keep the site connected.
		}
		$this->keys->clear_all();
		$this->publisher->revoke();
		return $this->status( false );
	}

	/**
	 * Replaces the site's key pair: the server registers the new public key (request signed with the current
	 * key), then the old private key is dropped. The new private key is stored before the call so a crash
	 * between the server's answer and our save cannot lose it.
	 *
	 * @return array<string, mixed>|WP_Error The status.
	 */
	public function rotate_key() {
		if ( null === $this->keys->connection() || null === $this->keys->site_private_key() ) {
			return new WP_Error( 'igny8_not_connected', __( 'This site is not connected to IGNY8, so it has no key to rotate.', 'igny8' ), array( 'status' => 409 ) );
		}
		$key_pair = Signature::generate_key_pair();
		$this->keys->add_site_private_key( $key_pair['key_id'], $key_pair['private'] );
		$answer = $this->client->rotate_key( $key_pair['public'], $key_pair['key_id'] );
		if ( $answer instanceof WP_Error ) {
			$this->keys->remove_site_private_key( $key_pair['key_id'] );
			return $answer;
		}
		$this->keys->update_connection(
			array(
				'site_key_id'     => $key_pair['key_id'],
				'last_contact_at' => time(),
			)
		);
		$this->keys->keep_only_site_private_key( $key_pair['key_id'] );
		return $this->status( false );
	}

	/**
	 * rotate-server-key (signed by the server's current key): the new key replaces the old one.
	 *
	 * @param mixed $new_public_key base64url public key.
	 * @param mixed $new_key_id     16 hex characters.
	 * @return true|WP_Error
	 */
	public function replace_server_key( $new_public_key, $new_key_id ) {
		$decoded = is_string( $new_public_key ) ? Signature::base64url_decode( $new_public_key ) : null;
		if ( null === $decoded || SODIUM_CRYPTO_SIGN_PUBLICKEYBYTES !== strlen( $decoded ) || ! is_string( $new_key_id ) || 1 !== preg_match( '/^[0-9a-f]{16}$/', $new_key_id ) ) {
			return new WP_Error(
				'igny8_invalid_server_key',
				__( 'The new server key must be { newPublicKey: base64url Ed25519 public key, newKeyId: 16 lower-case hex characters }.', 'igny8' ),
				array( 'status' => 400 )
			);
		}
		$this->keys->replace_server_key( $new_key_id, $new_public_key );
		return true;
	}

	/**
	 * Records that the server reached us with a valid signature; at most once a minute, so busy sites do not
	 * rewrite the connection option on every request.
	 */
	public function touch(): void {
		$connection = $this->keys->connection();
		if ( null !== $connection && time() - (int) ( $connection['last_contact_at'] ?? 0 ) >= self::REFRESH_SECONDS ) {
			$this->keys->update_connection( array( 'last_contact_at' => time() ) );
		}
	}

	/**
	 * What the Connection screen shows. No key material, ever. When connected and the account name and credits
	 * are older than a minute, refreshes them with a heartbeat first; a failed heartbeat leaves the last known
	 * values (and is not retried for a minute, so an unreachable server does not slow every page down).
	 *
	 * @param bool $refresh Whether a heartbeat may be sent.
	 * @return array{connected: bool, serverUrl: ?string, siteId: ?string, accountId: ?string, accountName: ?string, siteUrl: string, keyId: ?string, lastContactAt: ?string, credits: ?array{balance: int|float}, publisherUser: ?string}
	 */
	public function status( bool $refresh = true ): array {
		$connection = $this->keys->connection();
		if ( null !== $connection && $refresh ) {
			$now = time();
			if ( $now - (int) ( $connection['credits_checked_at'] ?? 0 ) > self::REFRESH_SECONDS
				&& $now - (int) ( $connection['heartbeat_attempted_at'] ?? 0 ) > self::REFRESH_SECONDS ) {
				$this->refresh();
				$connection = $this->keys->connection();
			}
		}
		if ( null === $connection ) {
			return array(
				'connected'     => false,
				// The server Connect to IGNY8 goes to.
				'serverUrl'     => self::configured_server_url(),
				'siteId'        => null,
				'accountId'     => null,
				'accountName'   => null,
				'siteUrl'       => home_url(),
				'keyId'         => null,
				'lastContactAt' => null,
				'credits'       => null,
				'publisherUser' => null,
			);
		}
		$publisher = get_userdata( (int) ( $connection['publisher_user_id'] ?? 0 ) );
		$balance   = $connection['credits_balance'] ?? null;
		return array(
			'connected'     => true,
			'serverUrl'     => (string) $connection['server_url'],
			'siteId'        => (string) $connection['site_id'],
			'accountId'     => isset( $connection['account_id'] ) ? (string) $connection['account_id'] : null,
			'accountName'   => isset( $connection['account_name'] ) ? (string) $connection['account_name'] : null,
			'siteUrl'       => home_url(),
			'keyId'         => isset( $connection['site_key_id'] ) ? (string) $connection['site_key_id'] : null,
			'lastContactAt' => empty( $connection['last_contact_at'] ) ? null : gmdate( 'Y-m-d\TH:i:s\Z', (int) $connection['last_contact_at'] ),
			'credits'       => is_int( $balance ) || is_float( $balance ) ? array( 'balance' => $balance ) : null,
			'publisherUser' => $publisher ? (string) $publisher->user_login : null,
		);
	}

	/**
	 * Heartbeat: refreshes the account name and credit balance.
	 *
	 * @return true|WP_Error
	 */
	public function refresh() {
		$this->keys->update_connection( array( 'heartbeat_attempted_at' => time() ) );
		$answer = $this->client->heartbeat();
		if ( $answer instanceof WP_Error ) {
			return $answer;
		}
		$changes = array(
			'last_contact_at'    => time(),
			'credits_checked_at' => time(),
		);
		if ( isset( $answer['accountName'] ) && is_string( $answer['accountName'] ) ) {
			$changes['account_name'] = $answer['accountName'];
		}
		if ( array_key_exists( 'credits', $answer ) ) {
			$balance                    = is_array( $answer['credits'] ) ? ( $answer['credits']['balance'] ?? null ) : null;
			$changes['credits_balance'] = is_int( $balance ) || is_float( $balance ) ? $balance : null;
		}
		$this->keys->update_connection( $changes );
		return true;
	}

	/**
	 * What GET status answers the server.
	 *
	 * @return array{wpVersion: string, pluginVersion: string, phpVersion: string, siteUrl: string, health: string}
	 */
	public function server_status(): array {
		global $wp_version;
		return array(
			'wpVersion'     => (string) $wp_version,
			'pluginVersion' => ServerClient::plugin_version(),
			'phpVersion'    => PHP_VERSION,
			'siteUrl'       => home_url(),
			'health'        => 'ok',
		);
	}

	/**
	 * Checks and normalizes the server URL: http(s) with a host, no credentials, query or fragment; https
	 * unless the host is this machine or the site is a local/development environment.
	 *
	 * @param string      $raw         As entered.
	 * @param string|null $environment wp_get_environment_type() when null.
	 * @return string|WP_Error scheme://host[:port][/path], no trailing slash.
	 */
	public static function validate_server_url( string $raw, ?string $environment = null ) {
		$invalid = static function ( string $message ): WP_Error {
			return new WP_Error( 'igny8_invalid_server_url', $message, array( 'status' => 400 ) );
		};
		$url   = trim( $raw );
		$parts = '' === $url ? false : wp_parse_url( $url );
		if ( ! is_array( $parts ) || empty( $parts['scheme'] ) || empty( $parts['host'] ) || ! in_array( strtolower( $parts['scheme'] ), array( 'http', 'https' ), true ) ) {
			return $invalid( __( 'Enter the address of the IGNY8 server, such as https://app.igny8.com.', 'igny8' ) );
		}
		$scheme = strtolower( $parts['scheme'] );
		$host   = strtolower( $parts['host'] );
		$is_ip6 = str_starts_with( $host, '[' ) && false !== filter_var( trim( $host, '[]' ), FILTER_VALIDATE_IP, FILTER_FLAG_IPV6 );
		if ( ! $is_ip6 && 1 !== preg_match( '/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/', $host ) ) {
			return $invalid( __( 'The IGNY8 server address has an invalid host name.', 'igny8' ) );
		}
		if ( isset( $parts['user'] ) || isset( $parts['pass'] ) || isset( $parts['query'] ) || isset( $parts['fragment'] ) ) {
			return $invalid( __( 'Enter the IGNY8 server address without a user name, password, query or #fragment.', 'igny8' ) );
		}
		$local_host = in_array( trim( $host, '[]' ), array( 'localhost', '127.0.0.1', '::1' ), true );
		$local_site = in_array( $environment ?? wp_get_environment_type(), array( 'local', 'development' ), true );
		if ( 'https' !== $scheme && ! $local_host && ! $local_site ) {
			return $invalid( __( 'The IGNY8 server address must start with https:// (plain http is allowed only for a server on this machine or a local/development site).', 'igny8' ) );
		}
		$path = rtrim( $parts['path'] ?? '', '/' );
		return $scheme . '://' . $host . ( isset( $parts['port'] ) ? ':' . (int) $parts['port'] : '' ) . $path;
	}

	/**
	 * Checks the shape of a connection key (the server checks the key itself).
	 *
	 * @param string $raw As pasted.
	 * @return string|WP_Error Trimmed key.
	 */
	public static function validate_connection_key( string $raw ) {
		$key = trim( $raw );
		if ( strlen( $key ) < 20 || strlen( $key ) > 200 || 1 === preg_match( '/\s/', $key ) ) {
			return new WP_Error(
				'igny8_invalid_connection_key',
				__( 'The connection key looks incomplete: paste the whole key shown when it was created in your IGNY8 account.', 'igny8' ),
				array( 'status' => 400 )
			);
		}
		return $key;
	}

	/**
	 * A BCP 47 tag from WordPress's language ("en-US", "de-DE-formal", "pt-PT-ao90"): language, optional script
	 * and region; WordPress's own variants (formal, ao90, ...) dropped. "en" when nothing usable is left.
	 *
	 * @param string $wp_language get_bloginfo( 'language' ) or a locale such as en_US.
	 */
	public static function language_tag( string $wp_language ): string {
		$parts = preg_split( '/[-_@.]/', trim( $wp_language ) );
		$tag   = strtolower( (string) ( $parts[0] ?? '' ) );
		if ( 1 !== preg_match( '/^[a-z]{2,3}$/', $tag ) ) {
			return 'en';
		}
		$rest = array_slice( is_array( $parts ) ? $parts : array(), 1 );
		if ( isset( $rest[0] ) && 1 === preg_match( '/^[A-Za-z]{4}$/', $rest[0] ) ) {
			$tag .= '-' . ucfirst( strtolower( array_shift( $rest ) ) );
		}
		if ( isset( $rest[0] ) && 1 === preg_match( '/^(?:[A-Za-z]{2}|\d{3})$/', $rest[0] ) ) {
			$tag .= '-' . strtoupper( $rest[0] );
		}
		return $tag;
	}

	/**
	 * An IANA time zone for the server: WordPress's timezone_string when it is one; a manual UTC offset
	 * ("+02:00") becomes "UTC" or an Etc/GMT zone (whose sign is inverted by POSIX convention), and offsets that
	 * are not whole hours become the zone that keeps that offset all year.
	 *
	 * @param string $wp_timezone wp_timezone_string().
	 */
	public static function timezone_name( string $wp_timezone ): string {
		$timezone = trim( $wp_timezone );
		if ( 1 !== preg_match( '/^([+-])(\d{1,2}):?(\d{2})$/', $timezone, $m ) ) {
			return in_array( $timezone, timezone_identifiers_list( \DateTimeZone::ALL_WITH_BC ), true ) ? $timezone : 'UTC';
		}
		$minutes = ( '-' === $m[1] ? -1 : 1 ) * ( (int) $m[2] * 60 + (int) $m[3] );
		if ( 0 === $minutes ) {
			return 'UTC';
		}
		if ( 0 === $minutes % 60 && $minutes >= -12 * 60 && $minutes <= 14 * 60 ) {
			$hours = intdiv( $minutes, 60 );
			return 'Etc/GMT' . ( $hours > 0 ? '-' : '+' ) . abs( $hours );
		}
		$fixed = array(
			-570 => 'Pacific/Marquesas',
			-210 => 'America/St_Johns',
			210  => 'Asia/Tehran',
			270  => 'Asia/Kabul',
			330  => 'Asia/Kolkata',
			345  => 'Asia/Kathmandu',
			390  => 'Asia/Yangon',
			525  => 'Australia/Eucla',
			570  => 'Australia/Darwin',
			630  => 'Australia/Lord_Howe',
			765  => 'Pacific/Chatham',
		);
		return $fixed[ $minutes ] ?? 'UTC';
	}

	/** The site title, or its host when the title is empty (the server requires a name). */
	private static function site_name(): string {
		$name = trim( wp_specialchars_decode( (string) get_bloginfo( 'name' ), ENT_QUOTES ) );
		return '' !== $name ? mb_substr( $name, 0, 200 ) : (string) wp_parse_url( home_url(), PHP_URL_HOST );
	}

	/**
	 * Checks the server's answer to register.
	 *
	 * @param array<string, mixed> $answer Envelope data.
	 * @return array{siteId: string, accountId: string, accountName: string, serverPublicKey: string, serverKeyId: string}|WP_Error
	 */
	private static function validate_register_answer( array $answer ) {
		$uuid    = '/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/';
		$public  = is_string( $answer['serverPublicKey'] ?? null ) ? Signature::base64url_decode( $answer['serverPublicKey'] ) : null;
		$valid   = is_string( $answer['siteId'] ?? null ) && 1 === preg_match( $uuid, $answer['siteId'] )
			&& is_string( $answer['accountId'] ?? null ) && '' !== $answer['accountId']
			&& is_string( $answer['accountName'] ?? null )
			&& is_string( $answer['serverKeyId'] ?? null ) && 1 === preg_match( '/^[0-9a-f]{16}$/', $answer['serverKeyId'] )
			&& null !== $public && SODIUM_CRYPTO_SIGN_PUBLICKEYBYTES === strlen( $public );
		if ( ! $valid ) {
			return new WP_Error(
				'igny8_server_unexpected_answer',
				__( 'The IGNY8 server accepted the connection but its answer lacks the site id or its key. Nothing was saved; try again, and contact IGNY8 support if it persists.', 'igny8' ),
				array( 'status' => 502 )
			);
		}
		return $answer;
	}
}
