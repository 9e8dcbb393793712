<?php
/**
 * The page a script-built IGNY8 screen renders into.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Admin;

defined( 'ABSPATH' ) || exit;

/**
 * The wrap, the heading and the `#igny8-root` element a screen's script renders into, with what to do when the
 * script is missing (a copy without its build) or JavaScript is off.
 */
final class ScreenRoot {

	/**
	 * Prints the page.
	 *
	 * @param string    $screen          The `data-screen` name the script looks for (its entry name).
	 * @param string    $title           Translated page heading.
	 * @param bool|null $script_enqueued False when the built script is missing.
	 */
	public static function render( string $screen, string $title, ?bool $script_enqueued ): void {
		?>
		<div class="wrap">
			<h1><?php echo esc_html( $title ); ?></h1>
			<div id="igny8-root" data-screen="<?php echo esc_attr( $screen ); ?>">
				<?php if ( false === $script_enqueued ) : ?>
					<div class="notice notice-error inline">
						<p><?php esc_html_e( 'This copy of IGNY8 is missing its built scripts (the build folder). Reinstall the plugin from its zip file.', 'igny8' ); ?></p>
					</div>
				<?php else : ?>
					<p><?php esc_html_e( 'Loading…', 'igny8' ); ?></p>
					<noscript>
						<div class="notice notice-error inline">
							<p>
								<?php
								/* translators: %s: screen title, such as "IGNY8 Planner" */
								echo esc_html( sprintf( __( 'The %s screen needs JavaScript. Turn it on in your browser and reload this page.', 'igny8' ), $title ) );
								?>
							</p>
						</div>
					</noscript>
				<?php endif; ?>
			</div>
		</div>
		<?php
	}

	/**
	 * Inlines a screen's own initial state as `window.<name>` before its script.
	 *
	 * @param string               $entry Entry name.
	 * @param string               $name  Global variable name, such as `igny8Planner`.
	 * @param array<string, mixed> $state The state; never a secret (the page source is visible to the page).
	 */
	public static function inline_state( string $entry, string $name, array $state ): void {
		wp_add_inline_script( Assets::handle( $entry ), 'window.' . $name . ' = ' . wp_json_encode( $state ) . ';', 'before' );
	}
}
