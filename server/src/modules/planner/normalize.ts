import type { KeywordIntent } from '../../generated/prisma/client.ts';

/**
 * The form keywords are deduplicated by within a sector: Unicode NFC, lower case (locale-independent), inner
 * whitespace collapsed to one space, trimmed. "Running  Shoes" and "running shoes" are the same keyword.
 */
export function normalizeKeyword(raw: string): string {
  return raw.normalize('NFC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

const TRANSACTIONAL =
  /\b(buy|order|purchase|coupon|discount|deal|deals|cheap|price|pricing|for sale|shop|subscribe|download|hire|book)\b/u;
const COMMERCIAL =
  /\b(best|top|vs|versus|review|reviews|compare|comparison|alternative|alternatives|affordable|rated)\b/u;
const INFORMATIONAL =
  /^(how|what|why|when|where|who|which|can|does|do|is|are|should)\b|\b(guide|tutorial|tips|ideas|examples|meaning|definition|learn)\b/u;
const NAVIGATIONAL =
  /\b(login|log in|sign in|signin|website|official|app|near me|contact|customer service)\b|\.(com|org|net|io)\b/u;

/**
 * A search intent guessed from the wording when the import has none (English cue words; other languages fall back
 * to informational, the most common intent). The keyword must already be normalized.
 */
export function inferIntent(normalized: string): KeywordIntent {
  if (TRANSACTIONAL.test(normalized)) return 'transactional';
  if (COMMERCIAL.test(normalized)) return 'commercial';
  if (NAVIGATIONAL.test(normalized)) return 'navigational';
  if (INFORMATIONAL.test(normalized)) return 'informational';
  return 'informational';
}
