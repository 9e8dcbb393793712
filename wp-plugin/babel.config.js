/* eslint-disable @typescript-eslint/no-require-imports -- Babel and wp-scripts load this file as CommonJS. */
/**
 * @wordpress/babel-preset-default with JSX switched to the classic runtime.
 *
 * The preset compiles JSX for React's automatic runtime, so the build imports `react/jsx-runtime` and the
 * dependency extraction plugin adds the `react-jsx-runtime` script handle, which WordPress registers only from 6.6.
 * WordPress 6.1 then silently skips the script. With the classic runtime every JSX element becomes
 * `createElement(...)`, imported from `@wordpress/element` (the `wp-element` handle, present in 6.1).
 */
const presetDefault = require('@wordpress/babel-preset-default');

const isReactJsxTransform = (plugin) => {
  const name = Array.isArray(plugin) ? plugin[0] : plugin;
  return typeof name === 'string' && /[\\/]@babel[\\/]plugin-transform-react-jsx[\\/]/.test(name);
};

module.exports = (api) => {
  const preset = presetDefault(api);
  const jsxTransform = preset.plugins.find(isReactJsxTransform);
  if (!jsxTransform) {
    // Fail the build rather than silently emitting the automatic runtime if the preset changes shape.
    throw new Error('babel.config.js: @babel/plugin-transform-react-jsx not found in @wordpress/babel-preset-default');
  }
  const jsxTransformPath = Array.isArray(jsxTransform) ? jsxTransform[0] : jsxTransform;

  return {
    ...preset,
    plugins: preset.plugins.flatMap((plugin) =>
      isReactJsxTransform(plugin)
        ? [
            [
              require.resolve('@wordpress/babel-plugin-import-jsx-pragma'),
              {
                scopeVariable: 'createElement',
                scopeVariableFrag: 'Fragment',
                source: '@wordpress/element',
                // Named imports: the plugin defaults to a default import, which would be the whole `wp.element`.
                isDefault: false,
              },
            ],
            [jsxTransformPath, { runtime: 'classic', pragma: 'createElement', pragmaFrag: 'Fragment' }],
          ]
        : [plugin],
    ),
  };
};
