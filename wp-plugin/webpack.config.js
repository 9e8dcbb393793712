/* eslint-disable @typescript-eslint/no-require-imports -- webpack-cli loads this file as CommonJS. */
/**
 * @wordpress/scripts' webpack config with this plugin's entries (scripts/entries.cjs) instead of the
 * block.json / src/index discovery.
 */
const defaultConfig = require('@wordpress/scripts/config/webpack.config');
const entries = require('./scripts/entries.cjs');

const withEntries = (config) => ({ ...config, entry: { ...entries } });

// `wp-scripts build --experimental-modules` exports [scriptConfig, moduleConfig]: only scripts have entries here.
module.exports = Array.isArray(defaultConfig)
  ? [withEntries(defaultConfig[0]), ...defaultConfig.slice(1)]
  : withEntries(defaultConfig);
