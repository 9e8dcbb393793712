import type { Db } from '../../../db/client.ts';
import { decodeVector, encodeVector } from '../clustering/embedding.ts';

/**
 * The per-account embedding cache (KeywordEmbedding): keyed by account, model ("provider/modelId") and normalized
 * keyword, so re-clustering never pays twice for the same text.
 */

const CHUNK = 5_000;

/** The model's cache key: "provider/modelId". */
export const embeddingModelKey = (model: { provider: string; modelId: string }) => `${model.provider}/${model.modelId}`;

/** The texts (distinct, in their given order) that have no cached vector for this model. */
export async function uncachedTexts(db: Db, accountId: string, model: string, texts: string[]): Promise<string[]> {
  const distinct = [...new Set(texts)];
  const cached = new Set<string>();
  for (let i = 0; i < distinct.length; i += CHUNK) {
    const rows = await db.$queryRaw<{ normalized: string }[]>`
      SELECT normalized FROM "KeywordEmbedding"
      WHERE "accountId" = ${accountId}::uuid AND model = ${model}
        AND normalized = ANY(${distinct.slice(i, i + CHUNK)}::text[])`;
    for (const r of rows) cached.add(r.normalized);
  }
  return distinct.filter((t) => !cached.has(t));
}

/** Cached vectors of these texts, by text (texts without one are absent). */
export async function loadVectors(
  db: Db,
  accountId: string,
  model: string,
  texts: string[],
): Promise<Map<string, Float32Array>> {
  const distinct = [...new Set(texts)];
  const out = new Map<string, Float32Array>();
  for (let i = 0; i < distinct.length; i += CHUNK) {
    const rows = await db.keywordEmbedding.findMany({
      where: { accountId, model, normalized: { in: distinct.slice(i, i + CHUNK) } },
      select: { normalized: true, vector: true },
    });
    for (const r of rows) out.set(r.normalized, decodeVector(r.vector));
  }
  return out;
}

/** Stores vectors (pairwise with texts); a text already cached keeps its vector (insert ... on conflict do nothing). */
export async function storeVectors(
  db: Db,
  accountId: string,
  model: string,
  texts: string[],
  vectors: ArrayLike<number>[],
): Promise<number> {
  if (texts.length !== vectors.length) throw new Error(`${texts.length} texts but ${vectors.length} vectors`);
  let inserted = 0;
  const chunk = 1_000;
  for (let i = 0; i < texts.length; i += chunk) {
    const encoded = vectors.slice(i, i + chunk).map((v) => encodeVector(v).toString('base64'));
    inserted += await db.$executeRaw`
      INSERT INTO "KeywordEmbedding" ("accountId", model, normalized, vector)
      SELECT ${accountId}::uuid, ${model}, t.normalized, decode(t.vector, 'base64')
      FROM unnest(${texts.slice(i, i + chunk)}::text[], ${encoded}::text[]) AS t(normalized, vector)
      ON CONFLICT DO NOTHING`;
  }
  return inserted;
}

/** The embedding cache over one client or transaction. */
export function embeddingsData(db: Db) {
  return {
    uncachedTexts: (accountId: string, model: string, texts: string[]) => uncachedTexts(db, accountId, model, texts),
    loadVectors: (accountId: string, model: string, texts: string[]) => loadVectors(db, accountId, model, texts),
    storeVectors: (accountId: string, model: string, texts: string[], vectors: ArrayLike<number>[]) =>
      storeVectors(db, accountId, model, texts, vectors),
  };
}
