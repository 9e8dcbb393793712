import type { TImportFormat, TImportMapping } from '@igny8/shared';
import type { KeywordIntent } from '../../../generated/prisma/client.ts';

/**
 * Where each value of a row is, by column index. Volume and CPC may come from two columns (a low and a high
 * estimate, as Moz and Keyword Planner export them): the midpoint counts.
 */
export interface ColumnPlan {
  keyword: number;
  volume: number[];
  difficulty: number | null;
  cpc: number[];
  intent: number | null;
  /** Ahrefs' newer exports: one true/false column per intent. */
  intentFlags: { index: number; intent: KeywordIntent }[];
  /** The same, by column name, as shown to the user. */
  mapping: TImportMapping;
}

export interface FormatDefinition {
  id: Exclude<TImportFormat, 'list' | 'custom'>;
  /** Shown in messages. */
  label: string;
  /** Kept in Keyword.source. */
  source: string;
  /** The plan when `header` is this format's header row, else null. */
  match(header: string[]): ColumnPlan | null;
  /** What the header must contain, for the "forced format does not match" message. */
  expects: string;
}

/** Header cells compared case-, space- and BOM-insensitively. */
export function headerKey(cell: string): string {
  return cell
    .replace(/^\ufeff/u, '')
    .replace(/[\s\u00a0]+/gu, ' ')
    .trim()
    .toLowerCase();
}

function finder(header: string[]) {
  const keys = header.map(headerKey);
  const find = (...names: string[]): number | null => {
    for (const name of names) {
      const i = keys.indexOf(name);
      if (i >= 0) return i;
    }
    return null;
  };
  const findPrefix = (prefix: string): number | null => {
    const i = keys.findIndex((k) => k.startsWith(prefix));
    return i >= 0 ? i : null;
  };
  return { keys, find, findPrefix };
}

function plan(
  header: string[],
  parts: {
    keyword: number;
    volume?: (number | null)[];
    difficulty?: number | null;
    cpc?: (number | null)[];
    intent?: number | null;
    intentFlags?: { index: number; intent: KeywordIntent }[];
  },
): ColumnPlan {
  const volume = (parts.volume ?? []).filter((i): i is number => i !== null);
  const cpc = (parts.cpc ?? []).filter((i): i is number => i !== null);
  const name = (i: number) => header[i]!.replace(/^\ufeff/u, '').trim();
  const mapping: TImportMapping = { keyword: name(parts.keyword) };
  if (volume.length) mapping.volume = volume.map(name).join(' + ');
  if (parts.difficulty !== null && parts.difficulty !== undefined) mapping.difficulty = name(parts.difficulty);
  if (cpc.length) mapping.cpc = cpc.map(name).join(' + ');
  if (parts.intent !== null && parts.intent !== undefined) mapping.intent = name(parts.intent);
  else if (parts.intentFlags?.length) mapping.intent = parts.intentFlags.map((f) => name(f.index)).join(' + ');
  return {
    keyword: parts.keyword,
    volume,
    difficulty: parts.difficulty ?? null,
    cpc,
    intent: parts.intent ?? null,
    intentFlags: parts.intentFlags ?? [],
    mapping,
  };
}

/**
 * Google Keyword Planner ("Download keyword ideas" / "Historical metrics", CSV for Excel = UTF-16LE TSV with two
 * title lines): Keyword, Currency, Avg. monthly searches (a number, or a range "1K – 10K" without ad spend),
 * Three month change, YoY change, Competition, Competition (indexed value), Top of page bid (low range),
 * Top of page bid (high range), ... There is no SEO difficulty: the paid "Competition (indexed value)" (0-100)
 * stands in for it, and the CPC is the midpoint of the two top-of-page bids.
 */
const keywordPlanner: FormatDefinition = {
  id: 'keyword_planner',
  label: 'Google Keyword Planner',
  source: 'keyword_planner',
  expects: '"Keyword" and "Avg. monthly searches"',
  match(header) {
    const { find } = finder(header);
    const keyword = find('keyword');
    const volume = find('avg. monthly searches', 'avg monthly searches', 'average monthly searches');
    if (keyword === null || volume === null) return null;
    return plan(header, {
      keyword,
      volume: [volume],
      difficulty: find('competition (indexed value)'),
      cpc: [find('top of page bid (low range)'), find('top of page bid (high range)')],
    });
  },
};

/**
 * Google Search Console, Performance > Export (Queries.csv, or the "Queries" sheet): Top queries, Clicks,
 * Impressions, CTR ("12.5%"), Position. Search Console has no search volume: impressions over the exported period
 * stand in for it. No difficulty, CPC or intent.
 */
const gsc: FormatDefinition = {
  id: 'gsc',
  label: 'Google Search Console',
  source: 'gsc',
  expects: '"Top queries" (or "Query"), "Clicks" and "Impressions"',
  match(header) {
    const { find } = finder(header);
    const keyword = find('top queries', 'query', 'queries', 'search query');
    const clicks = find('clicks');
    const impressions = find('impressions');
    if (keyword === null || clicks === null || impressions === null) return null;
    return plan(header, { keyword, volume: [impressions] });
  },
};

/**
 * Moz Keyword Explorer (keyword suggestions / keyword list CSV): Keyword, Monthly Volume (a range such as
 * "11.5k-30.3k" or a number), Difficulty, Organic CTR, Priority; older list exports have Min Volume and
 * Max Volume instead. No CPC or intent.
 */
const moz: FormatDefinition = {
  id: 'moz',
  label: 'Moz Keyword Explorer',
  source: 'moz',
  expects: '"Keyword", "Monthly Volume" (or "Min Volume"/"Max Volume"), "Difficulty" and "Organic CTR" or "Priority"',
  match(header) {
    const { find } = finder(header);
    const keyword = find('keyword');
    const monthly = find('monthly volume', 'volume');
    const min = find('min volume', 'minimum search volume', 'min. volume');
    const max = find('max volume', 'maximum search volume', 'max. volume');
    const difficulty = find('difficulty');
    const mozOnly = find('organic ctr', 'priority');
    if (keyword === null || difficulty === null || mozOnly === null) return null;
    if (min !== null || max !== null) return plan(header, { keyword, volume: [min, max], difficulty });
    if (monthly === null) return null;
    return plan(header, { keyword, volume: [monthly], difficulty });
  },
};

/**
 * Semrush (Keyword Magic Tool / Keyword Overview / Organic Research exports): Keyword, Intent, Volume (or
 * "Search Volume"), Trend, Keyword Difficulty (0-100), CPC (USD), Competitive Density, SERP Features,
 * Number of Results. Intent is written as words ("Commercial, Transactional"), letters or API codes.
 */
const semrush: FormatDefinition = {
  id: 'semrush',
  label: 'Semrush',
  source: 'semrush',
  expects: '"Keyword", "Volume" (or "Search Volume") and "Keyword Difficulty"',
  match(header) {
    const { find, findPrefix } = finder(header);
    const keyword = find('keyword');
    const volume = find('volume', 'search volume');
    const difficulty = find('keyword difficulty', 'keyword difficulty index', 'kd%', 'kd %');
    if (keyword === null || volume === null || difficulty === null) return null;
    return plan(header, {
      keyword,
      volume: [volume],
      difficulty,
      cpc: [find('cpc (usd)') ?? findPrefix('cpc')],
      intent: find('intent', 'intents', 'keyword intents', 'search intent'),
    });
  },
};

/**
 * Ahrefs Keywords Explorer export: #, Keyword, Country, Difficulty, Volume, CPC, CPS, Parent Keyword,
 * Last Update, SERP Features, Global volume, Traffic potential, ... (Site Explorer's organic keywords say "KD").
 * Intent is an "Intents" list, or in newer exports one true/false column per intent.
 */
const ahrefs: FormatDefinition = {
  id: 'ahrefs',
  label: 'Ahrefs',
  source: 'ahrefs',
  expects: '"Keyword", "Volume", "Difficulty" (or "KD") and one of "CPS", "Parent Keyword", "Traffic potential"',
  match(header) {
    const { find } = finder(header);
    const keyword = find('keyword');
    const volume = find('volume');
    const difficulty = find('difficulty', 'kd');
    const ahrefsOnly = find('cps', 'parent keyword', 'parent topic', 'traffic potential', 'global volume', '#');
    if (keyword === null || volume === null || difficulty === null || ahrefsOnly === null) return null;
    const flags = (
      [
        ['transactional', 'transactional'],
        ['commercial', 'commercial'],
        ['navigational', 'navigational'],
        ['informational', 'informational'],
      ] as const
    )
      .map(([name, intent]) => ({ index: find(name), intent }))
      .filter((f): f is { index: number; intent: KeywordIntent } => f.index !== null);
    const intent = find('intents', 'intent');
    return plan(header, {
      keyword,
      volume: [volume],
      difficulty,
      cpc: [find('cpc')],
      intent,
      intentFlags: intent === null ? flags : [],
    });
  },
};

/** Any CSV with a keyword-like column: the other columns are matched by their usual names. */
const generic: FormatDefinition = {
  id: 'csv',
  label: 'CSV',
  source: 'csv',
  expects: 'a "Keyword" column',
  match(header) {
    const { find } = finder(header);
    const keyword = find(
      'keyword',
      'keywords',
      'query',
      'queries',
      'search query',
      'search term',
      'search terms',
      'keyphrase',
      'key phrase',
      'phrase',
      'term',
    );
    if (keyword === null) return null;
    return plan(header, {
      keyword,
      volume: [
        find('volume', 'search volume', 'monthly volume', 'monthly searches', 'avg. monthly searches', 'searches'),
      ],
      difficulty: find('difficulty', 'keyword difficulty', 'kd', 'kd%', 'seo difficulty'),
      cpc: [find('cpc', 'cpc (usd)', 'cost per click')],
      intent: find('intent', 'search intent', 'intents'),
    });
  },
};

/** In the order they are tried: the most specific first. */
export const FORMATS: FormatDefinition[] = [keywordPlanner, gsc, moz, semrush, ahrefs, generic];

export function formatById(id: TImportFormat): FormatDefinition | undefined {
  return FORMATS.find((f) => f.id === id);
}

export const SOURCE_OF: Record<TImportFormat, string> = {
  semrush: 'semrush',
  ahrefs: 'ahrefs',
  gsc: 'gsc',
  keyword_planner: 'keyword_planner',
  moz: 'moz',
  list: 'list',
  csv: 'csv',
  custom: 'csv',
};

/** Header cells of a plain list that are a title, not a keyword. */
export const LIST_HEADERS = new Set(['keyword', 'keywords', 'query', 'queries', 'search term', 'search terms', 'term']);

/** A plan from a user's mapping; throws the name of the first column that is not in the header. */
export function planFromMapping(header: string[], mapping: TImportMapping): ColumnPlan | { badField: string } {
  const keys = header.map(headerKey);
  const index = (name: string) => {
    const exact = header.findIndex((h) => h.trim() === name.trim());
    return exact >= 0 ? exact : keys.indexOf(headerKey(name));
  };
  const resolved: Partial<Record<keyof TImportMapping, number>> = {};
  for (const field of ['keyword', 'volume', 'difficulty', 'cpc', 'intent'] as const) {
    const name = mapping[field];
    if (name === undefined) continue;
    const i = index(name);
    if (i < 0) return { badField: field };
    resolved[field] = i;
  }
  return plan(header, {
    keyword: resolved.keyword!,
    volume: [resolved.volume ?? null],
    difficulty: resolved.difficulty ?? null,
    cpc: [resolved.cpc ?? null],
    intent: resolved.intent ?? null,
  });
}
