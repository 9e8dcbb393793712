<?php
/**
 * The publishing defaults of IGNY8 > Settings: GET and POST igny8/v1/settings.
 *
 * WordPress's cookie authentication with the wp_rest nonce authenticates the administrator (without the nonce the
 * request is anonymous: 401); both methods require manage_options. Each field is checked on its own and a refusal
 * names it (WordPress's rest_invalid_param, with the field's message in data.params).
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Rest;

use IGNY8\Publishing\Authorship;
use IGNY8\Publishing\Defaults;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * GET/POST igny8/v1/settings.
 */
final class SettingsController extends RestController {

	/** Registers the route. */
	public function register_routes(): void {
		register_rest_route(
			$this->namespace,
			'/settings',
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_settings' ),
					'permission_callback' => array( $this, 'can_manage' ),
				),
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'save_settings' ),
					'permission_callback' => array( $this, 'can_manage' ),
					'args'                => array(
						'defaultPostStatus' => array(
							'description'       => __( 'The post status the Writer screen publishes with unless changed: publish or draft.', 'igny8' ),
							'type'              => 'string',
							'enum'              => Defaults::POST_STATUSES,
							'validate_callback' => array( self::class, 'validate_post_status' ),
						),
						'defaultAuthor'     => array(
							'description'       => __( 'The user IGNY8 posts are attributed to (a user who can edit posts); 0 for the IGNY8 publishing user.', 'igny8' ),
							'type'              => 'integer',
							'validate_callback' => array( self::class, 'validate_author' ),
						),
						'defaultCategory'   => array(
							'description'       => __( 'The category the Writer screen publishes in unless changed (an existing category id); 0 for none.', 'igny8' ),
							'type'              => 'integer',
							'validate_callback' => array( self::class, 'validate_category' ),
						),
					),
				),
				'schema' => array( $this, 'get_public_item_schema' ),
			)
		);
	}

	/**
	 * Only administrators change IGNY8's settings.
	 *
	 * @return true|WP_Error
	 */
	public function can_manage() {
		return self::require_capabilities(
			array( 'manage_options' ),
			__( 'Only administrators (who can manage options) can see or change IGNY8 settings.', 'igny8' )
		);
	}

	/** GET: the settings and the choices for each. */
	public function get_settings(): WP_REST_Response {
		return $this->no_store( Defaults::to_array() );
	}

	/**
	 * POST: saves the fields sent (each already validated), answers the settings.
	 *
	 * @param WP_REST_Request $request Request.
	 */
	public function save_settings( WP_REST_Request $request ): WP_REST_Response {
		$params = $request->get_params();
		if ( array_key_exists( 'defaultPostStatus', $params ) ) {
			update_option( Defaults::STATUS_OPTION, (string) $params['defaultPostStatus'], false );
		}
		if ( array_key_exists( 'defaultAuthor', $params ) ) {
			update_option( Authorship::DEFAULT_AUTHOR_OPTION, (int) Defaults::as_id( $params['defaultAuthor'] ), false );
		}
		if ( array_key_exists( 'defaultCategory', $params ) ) {
			update_option( Defaults::CATEGORY_OPTION, (int) Defaults::as_id( $params['defaultCategory'] ), false );
		}
		return $this->no_store( Defaults::to_array() );
	}

	/**
	 * Validates defaultPostStatus.
	 *
	 * @param mixed $value Value.
	 * @return true|WP_Error
	 */
	public static function validate_post_status( $value ) {
		return Defaults::check_post_status( $value );
	}

	/**
	 * Validates defaultAuthor.
	 *
	 * @param mixed $value Value.
	 * @return true|WP_Error
	 */
	public static function validate_author( $value ) {
		return Defaults::check_author( $value );
	}

	/**
	 * Validates defaultCategory.
	 *
	 * @param mixed $value Value.
	 * @return true|WP_Error
	 */
	public static function validate_category( $value ) {
		return Defaults::check_category( $value );
	}

	/**
	 * JSON schema of the answer.
	 *
	 * @return array<string, mixed>
	 */
	public function get_item_schema(): array {
		$choice = array(
			'type'       => 'object',
			'properties' => array(
				'id'   => array( 'type' => 'integer' ),
				'name' => array( 'type' => 'string' ),
			),
		);
		return array(
			'$schema'    => 'http://json-schema.org/draft-04/schema#',
			'title'      => 'igny8-settings',
			'type'       => 'object',
			'properties' => array(
				'defaultPostStatus' => array(
					'type' => 'string',
					'enum' => Defaults::POST_STATUSES,
				),
				'defaultAuthor'     => array( 'type' => 'integer' ),
				'defaultCategory'   => array( 'type' => 'integer' ),
				'choices'           => array(
					'type'       => 'object',
					'properties' => array(
						'postStatuses' => array(
							'type'  => 'array',
							'items' => array( 'type' => 'string' ),
						),
						'authors'      => array(
							'type'  => 'array',
							'items' => $choice,
						),
						'categories'   => array(
							'type'  => 'array',
							'items' => $choice,
						),
					),
				),
			),
		);
	}

	/**
	 * An answer no proxy or browser cache keeps.
	 *
	 * @param array<string, mixed> $data Data.
	 */
	private function no_store( array $data ): WP_REST_Response {
		$response = new WP_REST_Response( $data );
		$response->header( 'Cache-Control', 'no-store' );
		return $response;
	}
}
