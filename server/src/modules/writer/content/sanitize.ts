// The allowlist sanitizer every piece of AI (or user) HTML goes through before it becomes WordPress blocks.
//
// sanitize-html (htmlparser2 underneath) rather than DOMPurify: it runs in Node without a DOM emulation (DOMPurify
// needs jsdom, a browser-sized dependency whose own parser quirks become part of the security surface), it is
// configured by plain allowlists (tags, attributes per tag, URL schemes per tag), it drops comments, and it removes
// the contents of script/style-like elements outright. Its output is then re-parsed with parse5 (the WHATWG HTML
// parsing algorithm, what browsers and WordPress's editor see) and re-serialized by our own code, so what leaves this
// module is always canonical, escaped markup: no divergence between two parsers can smuggle a tag through.
import sanitizeHtml from 'sanitize-html';

/** Tags kept (some renamed by TRANSFORMS); every other tag is unwrapped (its text kept) or, for DROPPED, removed whole. */
const ALLOWED_TAGS = [
  'p',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'blockquote',
  'table',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
  'figure',
  'figcaption',
  'img',
  'a',
  'strong',
  'em',
  'b',
  'i',
  'code',
  'br',
  'sup',
  'sub',
];

/** Elements removed together with everything inside them (text included). */
export const DROPPED_TAGS = [
  'script',
  'style',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'svg',
  'math',
  'form',
  'input',
  'textarea',
  'select',
  'option',
  'button',
  'template',
  'noscript',
  'noembed',
  'noframes',
  'xmp',
  'plaintext',
  'title',
  'head',
  'meta',
  'link',
  'base',
  'canvas',
  'video',
  'audio',
  'source',
  'track',
  'picture',
  'portal',
  'dialog',
];

const URL_SCHEMES_LINK = ['http', 'https', 'mailto'];
const URL_SCHEMES_IMAGE = ['http', 'https'];

/**
 * A URL we are willing to emit, or null. Defense in depth after sanitize-html's own check: control characters and
 * whitespace are stripped before the scheme is read (browsers ignore them: `java\tscript:`), entities are already
 * decoded by the parser, and only http(s)/mailto (links) or http(s) (images) and scheme-less relative URLs pass.
 * Protocol-relative URLs (`//host`) are refused: they inherit the page's scheme and are a common filter bypass.
 */
export function safeUrl(raw: string, kind: 'link' | 'image'): string | null {
  // eslint-disable-next-line no-control-regex
  const compact = raw.replace(/[\u0000-\u0020\u007f-\u009f\u00ad\u200b-\u200f\u2028\u2029\ufeff]+/g, '');
  if (compact === '') return null;
  const trimmed = raw.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(compact)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    const allowed = kind === 'link' ? URL_SCHEMES_LINK : URL_SCHEMES_IMAGE;
    if (!allowed.includes(scheme)) return null;
    if (scheme !== 'mailto' && !/^https?:\/\/[^/\\\s]/i.test(trimmed)) return null;
    return trimmed;
  }
  if (kind === 'image') return null; // images must be absolute http(s)
  if (/^[/\\]{2}/.test(compact)) return null; // protocol-relative
  if (/^[^/?#]*:/.test(compact)) return null; // anything still looking like a scheme (e.g. an obfuscated one)
  return trimmed;
}

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: {
    a: ['href', 'target', 'rel', 'title'],
    img: ['src', 'alt'],
  },
  allowedClasses: {},
  allowedStyles: {},
  allowedSchemes: URL_SCHEMES_LINK,
  allowedSchemesByTag: { img: URL_SCHEMES_IMAGE },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  allowedIframeHostnames: [],
  allowVulnerableTags: false,
  disallowedTagsMode: 'discard',
  nonTextTags: DROPPED_TAGS,
  enforceHtmlBoundary: false,
  parser: { lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true },
  transformTags: {
    h1: 'h2',
    h5: 'h4',
    h6: 'h4',
    b: 'strong',
    i: 'em',
    a: (tagName, attribs) => {
      const out: Record<string, string> = {};
      const href = attribs.href === undefined ? null : safeUrl(attribs.href, 'link');
      if (href !== null) out.href = href;
      if (attribs.title) out.title = attribs.title;
      if (href !== null && attribs.target?.trim().toLowerCase() === '_blank') {
        out.target = '_blank';
        out.rel = 'noopener';
      }
      return { tagName, attribs: out };
    },
    img: (tagName, attribs) => {
      const out: Record<string, string> = {};
      const src = attribs.src === undefined ? null : safeUrl(attribs.src, 'image');
      if (src !== null) out.src = src;
      out.alt = attribs.alt ?? '';
      return { tagName, attribs: out };
    },
  },
  // An image without a usable source is nothing.
  exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
};

/**
 * Sanitizes an HTML fragment against the content allowlist: only p, h2-h4 (h1 becomes h2, h5/h6 become h4), lists,
 * blockquote, tables, figure/img/figcaption, links and inline emphasis survive; b/i become strong/em (what the block
 * editor's rich text uses); every attribute outside the allowlist (on*, style, class, id, srcdoc, formaction...) and
 * every comment (so no planted `<!-- wp:... -->` delimiter) is removed.
 */
export function sanitizeFragment(html: string): string {
  return sanitizeHtml(html, OPTIONS);
}
