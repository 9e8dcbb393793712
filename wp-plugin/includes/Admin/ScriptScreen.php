<?php
/**
 * A wp-admin screen built by one of the plugin's scripts.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Admin;

use IGNY8\Plugin;

defined( 'ABSPATH' ) || exit;

/**
 * What every script-built screen shares: the capability (edit_posts unless a screen says otherwise), enqueueing its
 * entry with its initial state (plus the connection links every screen needs) as a global, and the page its script
 * renders into (ScreenRoot).
 */
abstract class ScriptScreen implements Screen {

	/**
	 * The built script, or null before enqueue() ran.
	 *
	 * @var bool|null
	 */
	private ?bool $script_enqueued = null;

	/**
	 * The webpack entry (scripts/entries.cjs) and the root's `data-screen` name.
	 */
	abstract protected function entry(): string;

	/**
	 * The global the initial state is inlined as, such as `igny8Planner`.
	 */
	abstract protected function state_global(): string;

	/**
	 * The screen's own initial state (never a secret: it is printed into the page).
	 *
	 * @return array<string, mixed>
	 */
	abstract protected function state(): array;

	/**
	 * {@inheritDoc}
	 */
	public function capability(): string {
		return Plugin::CAPABILITY_VIEW;
	}

	/**
	 * The page heading (the browser tab's title by default).
	 */
	protected function heading(): string {
		return $this->page_title();
	}

	/**
	 * {@inheritDoc}
	 */
	public function enqueue(): void {
		$this->script_enqueued = Assets::enqueue_entry( $this->entry() );
		if ( ! $this->script_enqueued ) {
			return;
		}
		ScreenRoot::inline_state(
			$this->entry(),
			$this->state_global(),
			$this->state() + array(
				'connectionUrl'       => admin_url( 'admin.php?page=' . ConnectionScreen::SLUG ),
				'canManageConnection' => Plugin::can_manage_connection(),
			)
		);
	}

	/**
	 * {@inheritDoc}
	 */
	public function render(): void {
		Plugin::require_capability( $this->capability() );
		ScreenRoot::render( $this->entry(), $this->heading(), $this->script_enqueued );
	}
}
