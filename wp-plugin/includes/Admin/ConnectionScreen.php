<?php
/**
 * IGNY8 > Connection.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Admin;

use IGNY8\Plugin;

defined( 'ABSPATH' ) || exit;

/**
 * Connects this site to an IGNY8 account. The screen itself is the `connection` script (src/admin/connection/),
 * which talks only to the plugin's igny8/v1/connection routes.
 */
final class ConnectionScreen implements Screen {

	public const SLUG = 'igny8-connection';

	/**
	 * The built script, or null before enqueue() ran.
	 *
	 * @var bool|null
	 */
	private ?bool $script_enqueued = null;

	/**
	 * {@inheritDoc}
	 */
	public function slug(): string {
		return self::SLUG;
	}

	/**
	 * {@inheritDoc}
	 */
	public function capability(): string {
		return Plugin::CAPABILITY_MANAGE_CONNECTION;
	}

	/**
	 * {@inheritDoc}
	 */
	public function page_title(): string {
		return __( 'IGNY8 Connection', 'igny8' );
	}

	/**
	 * {@inheritDoc}
	 */
	public function menu_title(): string {
		return __( 'Connection', 'igny8' );
	}

	/**
	 * {@inheritDoc}
	 */
	public function enqueue(): void {
		$this->script_enqueued = Assets::enqueue_entry( 'connection' );
	}

	/**
	 * {@inheritDoc}
	 */
	public function render(): void {
		Plugin::require_capability( $this->capability() );
		?>
		<div class="wrap">
			<h1><?php esc_html_e( 'IGNY8 Connection', 'igny8' ); ?></h1>
			<div id="igny8-root" data-screen="connection">
				<?php if ( false === $this->script_enqueued ) : ?>
					<div class="notice notice-error inline">
						<p><?php esc_html_e( 'This copy of IGNY8 is missing its built scripts (the build folder). Reinstall the plugin from its zip file.', 'igny8' ); ?></p>
					</div>
				<?php else : ?>
					<p><?php esc_html_e( 'Loading…', 'igny8' ); ?></p>
					<noscript>
						<div class="notice notice-error inline">
							<p><?php esc_html_e( 'The IGNY8 Connection screen needs JavaScript. Turn it on in your browser and reload this page.', 'igny8' ); ?></p>
						</div>
					</noscript>
				<?php endif; ?>
			</div>
		</div>
		<?php
	}
}
