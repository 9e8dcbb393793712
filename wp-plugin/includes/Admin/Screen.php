<?php
/**
 * An IGNY8 wp-admin screen.
 *
 * @package IGNY8
 */

declare( strict_types = 1 );

namespace IGNY8\Admin;

defined( 'ABSPATH' ) || exit;

/**
 * One submenu page under IGNY8. Menu registers it and calls enqueue() on its own page only.
 */
interface Screen {

	/**
	 * The `page` query argument (admin.php?page=...).
	 */
	public function slug(): string;

	/**
	 * Capability WordPress checks before showing the page (one of the Plugin::CAPABILITY_* constants).
	 */
	public function capability(): string;

	/**
	 * Translated title of the browser tab.
	 */
	public function page_title(): string;

	/**
	 * Translated label in the IGNY8 submenu.
	 */
	public function menu_title(): string;

	/**
	 * Enqueues the screen's scripts and styles (admin_enqueue_scripts, on this screen only).
	 */
	public function enqueue(): void;

	/**
	 * Prints the screen.
	 */
	public function render(): void;
}
