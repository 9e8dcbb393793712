import type { KeywordIntent } from '../../../generated/prisma/client.ts';
import { inferIntent, normalizeKeyword } from '../normalize.ts';
import type { ColumnPlan } from './formats.ts';
import { CellError, parseCpc, parseDifficulty, parseIntent, parseVolume } from './values.ts';

export const MAX_KEYWORD_LENGTH = 200;

export interface KeywordRow {
  keyword: string;
  normalized: string;
  volume: number | null;
  difficulty: number | null;
  cpc: number | null;
  intent: KeywordIntent;
  intentInferred: boolean;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/gu;
const TRUTHY = new Set(['true', 'yes', 'y', '1', 'x', '✓', '✔']);

function midpoint(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return null;
  return known.reduce((a, b) => a + b, 0) / known.length;
}

/**
 * One data row of an export as a keyword, or the reason it cannot be one (in the product's words, without the line
 * number, which the caller adds). Missing metrics are null; a missing or unknown intent is inferred from the wording.
 */
export function keywordFromCells(cells: string[], plan: ColumnPlan): KeywordRow | { error: string } {
  const keyword = (cells[plan.keyword] ?? '').replace(CONTROL, ' ').trim();
  const normalized = normalizeKeyword(keyword);
  if (normalized === '') return { error: 'the keyword is empty' };
  if (normalized.length > MAX_KEYWORD_LENGTH) {
    return { error: `the keyword is longer than ${MAX_KEYWORD_LENGTH} characters (${normalized.length})` };
  }
  try {
    const volumes = plan.volume.map((i) => parseVolume(cells[i] ?? ''));
    const volume = midpoint(volumes);
    const cpc = midpoint(plan.cpc.map((i) => parseCpc(cells[i] ?? '')));
    const difficulty = plan.difficulty === null ? null : parseDifficulty(cells[plan.difficulty] ?? '');
    let intent: KeywordIntent | null = plan.intent === null ? null : parseIntent(cells[plan.intent] ?? '');
    if (intent === null) {
      const flag = plan.intentFlags.find((f) => TRUTHY.has((cells[f.index] ?? '').trim().toLowerCase()));
      intent = flag?.intent ?? null;
    }
    return {
      keyword: keyword.length > MAX_KEYWORD_LENGTH ? normalized : keyword,
      normalized,
      volume: volume === null ? null : Math.round(volume),
      difficulty,
      cpc: cpc === null ? null : Math.round(cpc * 10_000) / 10_000,
      intent: intent ?? inferIntent(normalized),
      intentInferred: intent === null,
    };
  } catch (error) {
    if (error instanceof CellError) return { error: error.message };
    throw error;
  }
}
