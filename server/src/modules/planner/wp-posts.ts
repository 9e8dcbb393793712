import { normalizeKeyword } from './normalize.ts';

/** A post or page as WordPress's REST API lists it, read into what the planner stores of it. */

export interface WpItem {
  id?: unknown;
  title?: { raw?: unknown; rendered?: unknown } | unknown;
  slug?: unknown;
  link?: unknown;
  status?: unknown;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** WordPress's rendered titles are HTML: strip tags and decode entities (&#8217; and friends). */
export function plainTitle(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .trim();
}

export function toSitePost(item: WpItem, type: 'post' | 'page') {
  if (typeof item.id !== 'number' || !Number.isInteger(item.id)) return null;
  const t = item.title as { raw?: unknown; rendered?: unknown } | undefined;
  const title =
    typeof t?.raw === 'string' ? t.raw.trim() : typeof t?.rendered === 'string' ? plainTitle(t.rendered) : '';
  return {
    wpPostId: item.id,
    type,
    title,
    slug: typeof item.slug === 'string' ? decodeURIComponent(item.slug) : '',
    normalized: normalizeKeyword(title),
    url: typeof item.link === 'string' ? item.link : '',
    status: typeof item.status === 'string' ? item.status : 'unknown',
  };
}
