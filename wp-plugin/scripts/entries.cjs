/**
 * The admin scripts this plugin builds: entry name -> source file. Each entry becomes build/<name>.js and
 * build/<name>.asset.php, and is enqueued by the screen that uses it (includes/Admin/*Screen.php).
 * Shared by webpack.config.js, scripts/make-pot.mjs (which adds build/<name>.js references to the POT so
 * `wp i18n make-json` can write the JSON translations WordPress looks up for that script), scripts/check-build.mjs
 * and scripts/size-report.mjs.
 */
module.exports = {
  connection: './src/admin/connection/index.tsx',
  dashboard: './src/admin/dashboard/index.tsx',
  planner: './src/admin/planner/index.tsx',
  writer: './src/admin/writer/index.tsx',
  automation: './src/admin/automation/index.tsx',
  settings: './src/admin/settings/index.tsx',
  // The block editor's sidebar (includes/Admin/EditorSidebar.php), not an admin screen.
  'editor-sidebar': './src/editor/index.tsx',
};
