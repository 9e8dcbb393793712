/**
 * Finds translation calls in PHP source. A small lexer (strings, comments, heredocs, inline HTML) is enough:
 * only calls whose arguments are string literals (or literals joined with `.`) can be extracted anyway.
 */
import { PHP_KEYWORDS, toMessage, translatorComment } from './keywords.mjs';

const SINGLE_QUOTE_ESCAPES = /\\([\\'])/g;

function unescapeDoubleQuoted(body) {
  let interpolates = false;
  const value = body.replace(
    /\\(?:([nrtvef\\$"])|([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|u\{([0-9A-Fa-f]+)\})|(\$[A-Za-z_{])|(\{\$)/g,
    (match, simple, octal, hex, unicode, variable, brace) => {
      if (variable || brace) {
        interpolates = true;
        return match;
      }
      if (simple) {
        return { n: '\n', r: '\r', t: '\t', v: '\v', e: '\x1b', f: '\f', '\\': '\\', $: '$', '"': '"' }[simple];
      }
      if (octal) {
        return String.fromCharCode(parseInt(octal, 8) & 0xff);
      }
      if (hex) {
        return String.fromCharCode(parseInt(hex, 16));
      }
      return String.fromCodePoint(parseInt(unicode, 16));
    },
  );
  return interpolates ? null : value;
}

/** Tokens: { type: 'ident' | 'string' | 'other' | 'punct' | 'comment', value, line, endLine } */
export function tokenizePhp(source) {
  const tokens = [];
  let i = 0;
  let line = 1;
  const advance = (to) => {
    for (let k = i; k < to; k++) {
      if (source[k] === '\n') {
        line++;
      }
    }
    i = to;
  };
  const push = (type, value, end) => {
    const startLine = line;
    advance(end);
    tokens.push({ type, value, line: startLine, endLine: line });
  };

  let inPhp = false;
  while (i < source.length) {
    if (!inPhp) {
      const open = source.indexOf('<?', i);
      if (open === -1) {
        break;
      }
      const isEcho = source.startsWith('<?=', open);
      advance(open + (source.startsWith('<?php', open) ? 5 : isEcho ? 3 : 2));
      inPhp = true;
      continue;
    }
    const rest = source.slice(i, i + 3);
    const char = source[i];
    if (/\s/.test(char)) {
      advance(i + 1);
    } else if (rest.startsWith('?>')) {
      advance(i + 2);
      inPhp = false;
      tokens.push({ type: 'punct', value: ';', line, endLine: line });
    } else if (rest.startsWith('/*')) {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? source.length : end + 2;
      push('comment', source.slice(i, stop), stop);
    } else if (rest.startsWith('//') || (char === '#' && source[i + 1] !== '[')) {
      const match = /\n|\?>/.exec(source.slice(i));
      const stop = match ? i + match.index : source.length;
      push('comment', source.slice(i, stop), stop);
    } else if (char === "'") {
      const match = /^'((?:[^'\\]|\\[\s\S])*)'/.exec(source.slice(i));
      const body = match ? match[1] : source.slice(i + 1);
      push('string', body.replace(SINGLE_QUOTE_ESCAPES, '$1'), i + (match ? match[0].length : source.length - i));
    } else if (char === '"') {
      const match = /^"((?:[^"\\]|\\[\s\S])*)"/.exec(source.slice(i));
      const body = match ? match[1] : source.slice(i + 1);
      const value = unescapeDoubleQuoted(body);
      push(value === null ? 'other' : 'string', value, i + (match ? match[0].length : source.length - i));
    } else if (rest === '<<<') {
      // Heredoc / nowdoc: never a literal argument here; skip to the closing identifier.
      const head = /^<<<[ \t]*(["']?)([A-Za-z_][A-Za-z0-9_]*)\1\r?\n/.exec(source.slice(i));
      if (!head) {
        push('punct', '<<<', i + 3);
        continue;
      }
      const close = new RegExp(`\\n[ \\t]*${head[2]}\\b`).exec(source.slice(i + head[0].length - 1));
      const stop = close ? i + head[0].length - 1 + close.index + close[0].length : source.length;
      push('other', null, stop);
    } else if (/[A-Za-z_\\\x80-\uffff]/.test(char)) {
      const match = /^[A-Za-z0-9_\\\x80-\uffff]+/.exec(source.slice(i));
      push('ident', match[0], i + match[0].length);
    } else if (char === '$' || /[0-9]/.test(char)) {
      const match = /^(?:\$[A-Za-z0-9_\x80-\uffff]*|[0-9][0-9A-Za-z_]*(?:\.[0-9][0-9A-Za-z_]*)?)/.exec(source.slice(i));
      push('other', match[0], i + match[0].length);
    } else {
      const punct = ['?->', '->', '::', '=>'].find((candidate) => source.startsWith(candidate, i)) ?? char;
      push('punct', punct, i + punct.length);
    }
  }
  return tokens;
}

/** Splits the tokens after `(` into arguments; returns [args as token lists, index after `)`]. */
function readArguments(tokens, start) {
  const args = [[]];
  let depth = 0;
  for (let k = start; k < tokens.length; k++) {
    const token = tokens[k];
    if (token.type === 'comment') {
      continue;
    }
    if (token.type === 'punct' && '([{'.includes(token.value)) {
      depth++;
    } else if (token.type === 'punct' && ')]}'.includes(token.value)) {
      if (depth === 0) {
        return [args.at(-1).length === 0 ? args.slice(0, -1) : args, k + 1];
      }
      depth--;
    } else if (token.type === 'punct' && token.value === ',' && depth === 0) {
      args.push([]);
      continue;
    }
    args.at(-1).push(token);
  }
  return [args, tokens.length];
}

/** A string literal, or literals joined with `.`; otherwise null. */
function literalValue(argTokens) {
  if (argTokens.length === 0 || argTokens.length % 2 === 0) {
    return null;
  }
  let value = '';
  for (const [index, token] of argTokens.entries()) {
    const expected = index % 2 === 0 ? token.type === 'string' : token.type === 'punct' && token.value === '.';
    if (!expected) {
      return null;
    }
    if (index % 2 === 0) {
      value += token.value;
    }
  }
  return value;
}

export function extractPhp(source) {
  const tokens = tokenizePhp(source);
  const found = [];
  const skipped = [];
  const comments = tokens.filter((token) => token.type === 'comment');
  let previous = null;
  for (const [index, token] of tokens.entries()) {
    if (token.type === 'comment') {
      continue;
    }
    const name = token.type === 'ident' ? token.value.replace(/^\\/, '') : null;
    const next =
      name !== null && PHP_KEYWORDS.has(name)
        ? tokens.slice(index + 1).find((candidate) => candidate.type !== 'comment')
        : undefined;
    const isFunctionCall =
      name !== null &&
      next?.type === 'punct' &&
      next.value === '(' &&
      !(previous?.type === 'punct' && ['->', '?->', '::'].includes(previous.value)) &&
      !(previous?.type === 'ident' && ['function', 'new', 'fn'].includes(previous.value.toLowerCase()));
    previous = token;
    if (!isFunctionCall) {
      continue;
    }
    const [argTokens] = readArguments(tokens, tokens.indexOf(next) + 1);
    const { message, skipped: reason } = toMessage(PHP_KEYWORDS.get(name), argTokens.map(literalValue));
    if (!message) {
      skipped.push({ line: token.line, reason: `${name}(): ${reason}` });
      continue;
    }
    const comment = comments
      .filter((candidate) => candidate.endLine >= token.line - 1 && candidate.endLine <= token.line)
      .map((candidate) => translatorComment(candidate.value))
      .filter(Boolean)
      .at(-1);
    found.push({ ...message, line: token.line, comment: comment ?? null });
  }
  return { found, skipped };
}

/** The translatable plugin header fields, as wp i18n make-pot extracts them. */
export function extractPluginHeaders(source) {
  const fields = ['Plugin Name', 'Plugin URI', 'Description', 'Author', 'Author URI'];
  const header = /\/\*\*?([\s\S]*?)\*\//.exec(source)?.[1] ?? '';
  return fields.flatMap((field) => {
    const match = new RegExp(`^[\\s*#@]*${field}:(.*)$`, 'mi').exec(header);
    const value = match?.[1].trim();
    return value ? [{ field, text: value }] : [];
  });
}
