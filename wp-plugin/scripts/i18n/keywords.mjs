/**
 * Translation functions and the position of each argument, as WordPress's own extractor (wp i18n make-pot) knows
 * them: `text` (msgid), `plural`, `context` and `domain`; `null` marks an argument that is not extracted (the number).
 */
const SINGULAR = ['text', 'domain'];
const WITH_CONTEXT = ['text', 'context', 'domain'];

export const PHP_KEYWORDS = new Map([
  ...['__', '_e', 'esc_html__', 'esc_html_e', 'esc_attr__', 'esc_attr_e', 'esc_xml__', 'esc_xml_e'].map((name) => [
    name,
    SINGULAR,
  ]),
  ...['_x', '_ex', 'esc_html_x', 'esc_attr_x', 'esc_xml_x'].map((name) => [name, WITH_CONTEXT]),
  ['_n', ['text', 'plural', null, 'domain']],
  ['_n_noop', ['text', 'plural', 'domain']],
  ['_nx', ['text', 'plural', null, 'context', 'domain']],
  ['_nx_noop', ['text', 'plural', 'context', 'domain']],
]);

/** @wordpress/i18n */
export const JS_KEYWORDS = new Map([
  ['__', SINGULAR],
  ['_x', WITH_CONTEXT],
  ['_n', ['text', 'plural', null, 'domain']],
  ['_nx', ['text', 'plural', null, 'context', 'domain']],
]);

/**
 * Turns the literal arguments of one call into a message, or explains why it cannot be extracted.
 * `args` holds a string for each literal argument and `null` for anything else.
 */
export function toMessage(spec, args) {
  const message = {};
  for (const [index, role] of spec.entries()) {
    if (role === null) {
      continue;
    }
    const value = args[index];
    if (value === undefined) {
      return { skipped: role === 'domain' ? 'no text domain' : `missing ${role}` };
    }
    if (value === null) {
      return { skipped: `${role} is not a string literal` };
    }
    message[role] = value;
  }
  return { message };
}

/** The `translators:` part of a comment, without comment markers. */
export function translatorComment(rawComment) {
  const text = rawComment
    .replace(/^\/\*+|\*+\/$/g, '')
    .split('\n')
    .map((line) => line.replace(/^\s*(\/\/+|#|\*)?\s?/, '').trim())
    .filter(Boolean)
    .join(' ');
  const start = text.search(/translators:/i);
  return start === -1 ? null : text.slice(start);
}
