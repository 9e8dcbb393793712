<?php
/**
 * The plugin's REST routes (namespace igny8/v1) that the connection owns.
 *
 * Two audiences, two kinds of authentication, never mixed on one route:
 * - the wp-admin browser (cookie + wp_rest nonce, capability manage_options): ConnectionController; and
 *   AppController, which forwards the screens' requests to the server's API (capability per server path), and
 *   ImageController, which serves a content image's bytes to the Writer screen (edit_posts), and
 *   EditorImageController, which adds an image made from the block editor to the media library (edit_posts,
 *   upload_files, and editing that post), and SettingsController, the publishing defaults of the Settings
 *   screen (manage_options);
 * - the IGNY8 server (Ed25519 request signature, docs/connection-protocol.md): ServerController (the connection)
 *   and PublishingController (content lookup and terms while publishing).
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Rest;

use IGNY8\Connection\Connection;

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Registers every igny8/v1 route (RestController::NAMESPACE) of the connection; hooked to rest_api_init by
 * IGNY8\Plugin.
 */
final class Routes {

	private Connection $connection;

	/**
	 * Constructor.
	 *
	 * @param Connection|null $connection The connection service.
	 */
	public function __construct( ?Connection $connection = null ) {
		$this->connection = $connection ?? new Connection();
	}

	/** Registers the routes. */
	public function register(): void {
		( new ConnectionController( $this->connection ) )->register_routes();
		$server = new ServerController( $this->connection );
		$server->register_routes();
		( new PublishingController( array( $server, 'is_signed_by_server' ) ) )->register_routes();
		( new AppController() )->register_routes();
		( new ImageController() )->register_routes();
		( new SettingsController() )->register_routes();
		( new EditorImageController() )->register_routes();
	}
}
