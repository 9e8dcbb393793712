<?php
/**
 * IGNY8 > Dashboard.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Admin;

use IGNY8\Plugin;

defined( 'ABSPATH' ) || exit;

/**
 * The landing screen. Until the planner and writer screens land it says what is coming and points to Connection.
 */
final class DashboardScreen implements Screen {

	public const SLUG = 'igny8';

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
		return Plugin::CAPABILITY_VIEW;
	}

	/**
	 * {@inheritDoc}
	 */
	public function page_title(): string {
		return __( 'IGNY8 Dashboard', 'igny8' );
	}

	/**
	 * {@inheritDoc}
	 */
	public function menu_title(): string {
		return __( 'Dashboard', 'igny8' );
	}

	/**
	 * {@inheritDoc}
	 */
	public function enqueue(): void {
		// Server-rendered for now: no script.
	}

	/**
	 * {@inheritDoc}
	 */
	public function render(): void {
		Plugin::require_capability( $this->capability() );
		?>
		<div class="wrap">
			<h1><?php esc_html_e( 'IGNY8', 'igny8' ); ?></h1>
			<div id="igny8-root" data-screen="dashboard">
				<div class="card">
					<h2><?php esc_html_e( 'Planning and writing screens are on their way', 'igny8' ); ?></h2>
					<p>
						<?php esc_html_e( 'IGNY8 will group the keywords you import into topic clusters, suggest content ideas, write the articles you approve and publish them to this site. The screens for that arrive in the next versions of this plugin; this dashboard will then show your keywords, ideas and articles in progress.', 'igny8' ); ?>
					</p>
					<h2><?php esc_html_e( 'First, connect this site', 'igny8' ); ?></h2>
					<?php if ( Plugin::can_manage_connection() ) : ?>
						<p>
							<?php esc_html_e( 'Connect this site to your IGNY8 account with an account connection key.', 'igny8' ); ?>
						</p>
						<p>
							<a class="button button-primary" href="<?php echo esc_url( admin_url( 'admin.php?page=' . ConnectionScreen::SLUG ) ); ?>">
								<?php esc_html_e( 'Go to Connection', 'igny8' ); ?>
							</a>
						</p>
					<?php else : ?>
						<p>
							<?php esc_html_e( 'An administrator of this site connects it to an IGNY8 account on the IGNY8 Connection screen.', 'igny8' ); ?>
						</p>
					<?php endif; ?>
				</div>
			</div>
		</div>
		<?php
	}
}
