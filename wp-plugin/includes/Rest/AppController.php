<?php
/**
 * The one browser-facing door to the IGNY8 server: igny8/v1/app/<server path> forwards a wp-admin user's request
 * to the server's account routes (planner, writer, publisher, automation, jobs, the site's settings and credits),
 * signed with the site key and naming the user, and answers the server's envelope and status unchanged.
 *
 * WordPress's cookie authentication with the wp_rest nonce identifies the user (without the nonce WordPress
 * treats the request as anonymous); each server path and method on the allowlist below needs a capability; any
 * other path answers 404 without reaching the network. The browser never sees the server's address or a key.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Rest;

use IGNY8\Connection\KeyStore;
use IGNY8\Connection\ServerClient;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_User;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * GET/POST/PUT/PATCH/DELETE igny8/v1/app/(?P<path>...).
 */
final class AppController extends RestController {

	/** Stands for the connected site's id in the path, a query value or a top-level `siteId` of a JSON body. */
	public const CURRENT_SITE = 'current';

	private const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

	/**
	 * Server paths (under /api/v1/) a browser may reach, and the capability each method needs: `read` for GET,
	 * `write` for the write methods (null: no write is forwarded), and which write methods those are (all of POST,
	 * PUT, PATCH and DELETE when the fourth item is missing). `{site}` is the connected site's id (or `current`),
	 * `{id}` any id. First match wins.
	 *
	 * @var list<array{0: string, 1: string|null, 2: string|null, 3?: list<string>}>
	 */
	private const ALLOWLIST = array(
		// The site's own settings (language, time zone, voice) and connection details: administrators. The site
		// itself is only read and changed here, never created or deleted.
		array( 'sites/{site}', 'manage_options', 'manage_options', array( 'PATCH' ) ),
		array( 'sites/{site}/connection', 'manage_options', null ),
		// Sectors: everyone who plans reads them; administrators add, change and remove them.
		array( 'sites/{site}/sectors', 'edit_posts', 'manage_options', array( 'POST' ) ),
		array( 'sites/{site}/sectors/{id}', 'edit_posts', 'manage_options', array( 'PATCH', 'DELETE' ) ),
		// Automation (IGNY8 > Automation): anyone who plans reads the settings, runs and review queue; only
		// administrators change the settings, start, pause, resume or cancel a run, or publish from the queue.
		array( 'sites/{site}/automation', 'edit_posts', 'manage_options', array( 'PUT' ) ),
		array( 'sites/{site}/automation/runs', 'edit_posts', 'manage_options', array( 'POST' ) ),
		array( 'sites/{site}/automation/review', 'edit_posts', null ),
		array( 'sites/{site}/automation/review/publish', null, 'manage_options', array( 'POST' ) ),
		array( 'automation/runs/{id}', 'edit_posts', null ),
		array( 'automation/runs/{id}/pause', null, 'manage_options', array( 'POST' ) ),
		array( 'automation/runs/{id}/resume', null, 'manage_options', array( 'POST' ) ),
		array( 'automation/runs/{id}/cancel', null, 'manage_options', array( 'POST' ) ),
		// Credits: the account's balance, and this site's usage and transactions (the server keeps them to the site).
		array( 'billing/balance', 'manage_options', null ),
		array( 'billing/usage', 'manage_options', null ),
		array( 'billing/transactions', 'manage_options', null ),
		// Jobs: the site's recent jobs (the server lists this site's only); poll and cancel the screens' jobs.
		array( 'jobs', 'edit_posts', null ),
		array( 'jobs/{id}', 'edit_posts', null ),
		array( 'jobs/{id}/cancel', null, 'edit_posts' ),
		// Publishing: reading is for anyone who edits posts, acting on it for those who can publish them.
		array( 'publisher/**', 'edit_posts', 'publish_posts' ),
		// Planning and writing: anyone who can edit posts.
		array( 'planner/**', 'edit_posts', 'edit_posts' ),
		array( 'writer/**', 'edit_posts', 'edit_posts' ),
	);

	private ServerClient $client;

	private KeyStore $keys;

	/**
	 * Constructor.
	 *
	 * @param ServerClient|null $client Client of the server.
	 * @param KeyStore|null     $keys   Where the connection is.
	 */
	public function __construct( ?ServerClient $client = null, ?KeyStore $keys = null ) {
		$this->keys   = $keys ?? new KeyStore();
		$this->client = $client ?? new ServerClient( $this->keys );
	}

	/** Registers the route. */
	public function register_routes(): void {
		register_rest_route(
			$this->namespace,
			'/app/(?P<path>[A-Za-z0-9._~/-]+)',
			array(
				array(
					'methods'             => 'GET, POST, PUT, PATCH, DELETE',
					'callback'            => array( $this, 'forward' ),
					'permission_callback' => array( $this, 'can_call' ),
				),
			)
		);
	}

	/**
	 * The capability level the server knows a WordPress user by, from the user's capabilities (custom roles
	 * included): admin (manage_options), editor (edit_others_posts), author (publish_posts), contributor
	 * (edit_posts), subscriber.
	 *
	 * @param WP_User $user The user.
	 */
	public static function level_of( WP_User $user ): string {
		if ( user_can( $user, 'manage_options' ) ) {
			return 'admin';
		}
		if ( user_can( $user, 'edit_others_posts' ) ) {
			return 'editor';
		}
		if ( user_can( $user, 'publish_posts' ) ) {
			return 'author';
		}
		return user_can( $user, 'edit_posts' ) ? 'contributor' : 'subscriber';
	}

	/**
	 * The capability a method on a server path needs; null when the pair is not on the allowlist.
	 *
	 * @param string $method HTTP method.
	 * @param string $path   Server path under /api/v1/ (no query).
	 */
	public static function capability_for( string $method, string $path ): ?string {
		if ( 1 !== preg_match( '#^[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*$#', $path ) || 1 === preg_match( '#(^|/)\.{1,2}(/|$)#', $path ) ) {
			return null;
		}
		if ( str_ends_with( $path, '.csv' ) || str_ends_with( $path, '/file' ) ) {
			return null; // Downloads (CSV, image files) are not envelopes; they get their own route when a screen needs one.
		}
		$method = strtoupper( $method );
		$write  = 'GET' !== $method;
		foreach ( self::ALLOWLIST as $row ) {
			list( $pattern, $read_cap, $write_cap ) = $row;
			$regex = '#^' . strtr(
				preg_quote( $pattern, '#' ),
				array(
					'\{site\}' => '(?:' . self::UUID . '|' . self::CURRENT_SITE . ')',
					'\{id\}'   => self::UUID,
					'\*\*'     => '[A-Za-z0-9._~/-]+',
				)
			) . '$#';
			if ( 1 === preg_match( $regex, $path ) ) {
				if ( ! $write ) {
					return $read_cap;
				}
				return ! isset( $row[3] ) || in_array( $method, $row[3], true ) ? $write_cap : null;
			}
		}
		return null;
	}

	/**
	 * Permission: a logged-in user (cookie + nonce), a server path on the allowlist (404 otherwise), and the
	 * capability it needs.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return true|WP_Error
	 */
	public function can_call( WP_REST_Request $request ) {
		$signed_in = self::require_signed_in();
		if ( true !== $signed_in ) {
			return $signed_in;
		}
		$capability = self::capability_for( $request->get_method(), self::path_of( $request ) );
		if ( null === $capability ) {
			return self::unknown_route( self::path_of( $request ) );
		}
		return self::require_capabilities(
			array( $capability ),
			'publish_posts' === $capability
				? __( 'Only users who can publish posts can publish with IGNY8.', 'igny8' )
				: ( 'manage_options' === $capability
					? __( 'Only administrators (who can manage options) can see or change IGNY8 settings.', 'igny8' )
					: __( 'Only users who can edit posts can use IGNY8.', 'igny8' ) )
		);
	}

	/**
	 * Forwards the request and answers the server's envelope and status.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function forward( WP_REST_Request $request ) {
		$connection = $this->keys->connection();
		if ( null === $connection ) {
			return new WP_Error(
				'igny8_not_connected',
				__( 'This site is not connected to IGNY8: an administrator can connect it in IGNY8 > Connection.', 'igny8' ),
				array( 'status' => 409 )
			);
		}
		$site_id = strtolower( (string) $connection['site_id'] );
		$path    = self::path_of( $request );

		$segments = explode( '/', $path );
		foreach ( $segments as $index => $segment ) {
			$is_site_slot = $index > 0 && 'sites' === $segments[ $index - 1 ];
			if ( $is_site_slot && self::CURRENT_SITE === $segment ) {
				$segments[ $index ] = $site_id;
			} elseif ( $is_site_slot && strtolower( $segment ) !== $site_id ) {
				return self::other_site( $segment );
			}
		}
		$path = implode( '/', $segments );

		$query = $this->query_of( $request, $site_id );
		if ( $query instanceof WP_Error ) {
			return $query;
		}
		$json = $this->body_of( $request, $site_id );
		if ( $json instanceof WP_Error ) {
			return $json;
		}

		$key = (string) $request->get_header( 'idempotency_key' );
		if ( '' !== $key && ! preg_match( '/^[A-Za-z0-9._:-]{8,200}$/', $key ) ) {
			return new WP_Error(
				'igny8_invalid_idempotency_key',
				__( 'The Idempotency-Key header must be 8 to 200 letters, digits, dots, underscores, colons or hyphens.', 'igny8' ),
				array( 'status' => 400 )
			);
		}

		$user   = wp_get_current_user();
		$answer = $this->client->forward( $request->get_method(), $path, $query, $json, (int) $user->ID, self::level_of( $user ), $key );
		if ( $answer instanceof WP_Error ) {
			return $answer;
		}
		$response = new WP_REST_Response( $answer['envelope'], $answer['status'] );
		$response->header( 'Cache-Control', 'no-store' );
		foreach ( $answer['headers'] as $name => $value ) {
			$response->header( $name, $value );
		}
		return $response;
	}

	/**
	 * The query to forward: the request's own parameters but WordPress's (rest_route, _locale, _wpnonce, any
	 * `_` name), `current` as a siteId replaced with the connected site's id.
	 *
	 * @param WP_REST_Request $request Request.
	 * @param string          $site_id The connected site's id.
	 * @return string|WP_Error
	 */
	private function query_of( WP_REST_Request $request, string $site_id ) {
		$pairs = array();
		foreach ( $request->get_query_params() as $name => $value ) {
			$name = (string) $name;
			if ( 'rest_route' === $name || str_starts_with( $name, '_' ) ) {
				continue;
			}
			foreach ( is_array( $value ) ? array_values( $value ) : array( $value ) as $item ) {
				if ( ! is_scalar( $item ) ) {
					return new WP_Error(
						'rest_invalid_param',
						/* translators: %s: query parameter name */
						sprintf( __( 'The query parameter %s must be a value or a list of values.', 'igny8' ), $name ),
						array( 'status' => 400 )
					);
				}
				$item = (string) $item;
				if ( 'siteId' === $name ) {
					if ( self::CURRENT_SITE === $item ) {
						$item = $site_id;
					} elseif ( strtolower( $item ) !== $site_id ) {
						return self::other_site( $item );
					}
				}
				$pairs[] = rawurlencode( $name ) . '=' . rawurlencode( $item );
			}
		}
		return implode( '&', $pairs );
	}

	/**
	 * The JSON body to forward (null for none), a top-level `siteId` of `current` replaced with the connected
	 * site's id. Only JSON is forwarded: a keyword file is sent as its text (`{ siteId, sectorId, text }`).
	 *
	 * @param WP_REST_Request $request Request.
	 * @param string          $site_id The connected site's id.
	 * @return string|WP_Error|null
	 */
	private function body_of( WP_REST_Request $request, string $site_id ) {
		$raw = (string) $request->get_body();
		if ( '' === $raw ) {
			return null;
		}
		$type = (string) $request->get_header( 'Content-Type' );
		if ( '' !== $type && 1 !== preg_match( '~^application/json\b~i', $type ) ) {
			return new WP_Error(
				'igny8_unsupported_body',
				__( 'IGNY8 requests carry JSON bodies only: send a keyword file as its text ({ siteId, sectorId, text }).', 'igny8' ),
				array( 'status' => 415 )
			);
		}
		$body = json_decode( $raw );
		if ( JSON_ERROR_NONE !== json_last_error() ) {
			return new WP_Error( 'rest_invalid_json', __( 'The request body is not valid JSON.', 'igny8' ), array( 'status' => 400 ) );
		}
		if ( $body instanceof \stdClass && property_exists( $body, 'siteId' ) ) {
			if ( self::CURRENT_SITE === $body->siteId ) {
				$body->siteId = $site_id;
				return (string) wp_json_encode( $body, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE );
			}
			if ( ! is_string( $body->siteId ) || strtolower( $body->siteId ) !== $site_id ) {
				return self::other_site( is_string( $body->siteId ) ? $body->siteId : '' );
			}
		}
		return $raw;
	}

	/**
	 * The server path, from the route itself only (get_param() would let a JSON body or query named `path`
	 * stand in for it).
	 *
	 * @param WP_REST_Request $request Request.
	 */
	private static function path_of( WP_REST_Request $request ): string {
		$params = $request->get_url_params();
		return is_string( $params['path'] ?? null ) ? $params['path'] : '';
	}

	/**
	 * 404 for a server path that is not on the allowlist.
	 *
	 * @param string $path The path asked for.
	 */
	private static function unknown_route( string $path ): WP_Error {
		return new WP_Error(
			'igny8_unknown_route',
			/* translators: %s: the API path asked for */
			sprintf( __( 'IGNY8 has no route %s that this site can call.', 'igny8' ), $path ),
			array( 'status' => 404 )
		);
	}

	/**
	 * 404 for a site id that is not the connected site's (as the server answers another tenant's id).
	 *
	 * @param string $site_id The id asked for.
	 */
	private static function other_site( string $site_id ): WP_Error {
		return new WP_Error(
			'igny8_not_found',
			/* translators: %s: a site id */
			sprintf( __( 'Site %s was not found: this WordPress site can only reach its own IGNY8 site.', 'igny8' ), sanitize_text_field( $site_id ) ),
			array( 'status' => 404 )
		);
	}
}
