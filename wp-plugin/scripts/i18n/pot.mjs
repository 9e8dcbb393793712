/** Writes messages in the gettext POT format. */

const PRINTF_PLACEHOLDER = /%(?:\d+\$)?[-+ 0#']*\d*(?:\.\d+)?[bcdeEfFgGosuxX]/;

const ESCAPES = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\t': '\\t', '\r': '\\r', '\f': '\\f', '\v': '\\v' };

// Control characters without a named escape; written as octal escapes, which gettext reads back.
// eslint-disable-next-line no-control-regex -- matching control characters is the point.
const OTHER_CONTROL_CHARACTERS = /[\x00-\x08\x0e-\x1f\x7f]/g;

export function escapePo(text) {
  return text
    .replace(/[\\"\n\t\r\f\v]/g, (char) => ESCAPES[char])
    .replace(OTHER_CONTROL_CHARACTERS, (char) => `\\${char.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/** `keyword "text"`, split after each newline the way gettext tools write multi-line strings. */
export function poString(keyword, text) {
  if (!text.includes('\n') || text.indexOf('\n') === text.length - 1) {
    return `${keyword} "${escapePo(text)}"`;
  }
  const lines = text.split(/(?<=\n)/);
  return [`${keyword} ""`, ...lines.map((line) => `"${escapePo(line)}"`)].join('\n');
}

function wrapReferences(references) {
  const lines = [];
  let current = '#:';
  for (const reference of references) {
    if (current !== '#:' && current.length + 1 + reference.length > 79) {
      lines.push(current);
      current = '#:';
    }
    current += ` ${reference}`;
  }
  lines.push(current);
  return lines;
}

/**
 * @param {object} header Project-Id-Version, X-Domain, ... (in order)
 * @param {Array<{context?: string, text: string, plural?: string, references: string[], comments: string[]}>} messages
 */
export function formatPot({ copyright, header, messages }) {
  const headerBlock = [
    ...copyright.map((line) => `# ${line}`),
    'msgid ""',
    'msgstr ""',
    ...Object.entries(header).map(([name, value]) => `"${escapePo(`${name}: ${value}\n`)}"`),
  ].join('\n');

  const blocks = messages.map((message) => {
    const lines = [...message.comments.map((comment) => `#. ${comment.replace(/\n/g, ' ')}`)];
    lines.push(...wrapReferences(message.references));
    if (PRINTF_PLACEHOLDER.test(message.text.replace(/%%/g, '')) || PRINTF_PLACEHOLDER.test(message.plural ?? '')) {
      lines.push('#, php-format');
    }
    if (message.context !== undefined) {
      lines.push(poString('msgctxt', message.context));
    }
    lines.push(poString('msgid', message.text));
    if (message.plural !== undefined) {
      lines.push(poString('msgid_plural', message.plural), 'msgstr[0] ""', 'msgstr[1] ""');
    } else {
      lines.push('msgstr ""');
    }
    return lines.join('\n');
  });

  return `${[headerBlock, ...blocks].join('\n\n')}\n`;
}
