import { createProviderClient, type ProviderClient } from '../../ai/providers/index.ts';
import { autoCluster, ZClusterOutput } from '../../ai/functions/definitions.ts';
import { jsonSchemaFor } from '../../ai/functions/structured.ts';
import { DEFAULT_PROMPTS } from '../../ai/prompts/defaults.ts';
import { renderTemplate } from '../../ai/prompts/template.ts';
import { matchAiClusters } from '../jobs-clusters.ts';
import { normalizeKeyword } from '../normalize.ts';
import { EMBEDDING_DEFAULTS, refineWithEmbeddings } from './embedding.ts';
import { evaluate, loadEvalSet, type EvalReport, type EvalSetName } from './eval-sets.ts';
import { clusterLexically, nameClusters } from './lexical.ts';

/**
 * Runs one clustering method on one labelled set and scores it (for `npm run eval:clustering`). Lexical runs
 * offline. Embedding and ai call a real provider through the product's own provider client (the official OpenAI
 * SDK), with the same grouping code the jobs use; they run only when OPENAI_API_KEY is set.
 */

export const METHODS = ['lexical', 'embedding', 'ai'] as const;
export type EvalMethod = (typeof METHODS)[number];

export interface MeasureOptions {
  granularity?: number | undefined;
  worst?: number;
  env?: NodeJS.ProcessEnv;
}

function provider(env: NodeJS.ProcessEnv): ProviderClient | null {
  const apiKey = env.OPENAI_API_KEY;
  if (!apiKey) return null;
  const baseUrl = env.OPENAI_BASE_URL || null;
  // The operator's own command and endpoint (like AI_DEMO_BASE_URL): a local compatible server is allowed.
  return createProviderClient(baseUrl ? 'openai_compatible' : 'openai', {
    apiKey,
    baseUrl,
    timeoutMs: 120_000,
    outbound: { allowPrivateNetworks: true },
  });
}

export async function measureMethod(
  method: EvalMethod,
  set: EvalSetName,
  options: MeasureOptions = {},
): Promise<{ report: EvalReport; ms: number } | { skipped: string }> {
  const env = options.env ?? process.env;
  const keywords = loadEvalSet(set);
  const lexicalOptions = options.granularity ? { granularity: options.granularity } : {};
  const client = method === 'lexical' ? null : provider(env);
  if (method !== 'lexical' && !client)
    return { skipped: 'no provider configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible endpoint)' };
  const started = performance.now();
  let clusters: { name: string; keywordIds: string[] }[];
  if (method === 'lexical') {
    clusters = clusterLexically(keywords, lexicalOptions).clusters;
  } else if (method === 'embedding') {
    // The embedding job's grouping: lexical clusters, refined with the keywords' vectors, named after head terms.
    const model = env.EVAL_EMBEDDING_MODEL || 'text-embedding-3-small';
    const vectors = new Map<string, number[]>();
    for (let i = 0; i < keywords.length; i += 256) {
      const batch = keywords.slice(i, i + 256);
      const result = await client!.embed({ model, input: batch.map((k) => k.normalized) });
      batch.forEach((k, j) => vectors.set(k.id, result.vectors[j]!));
    }
    const lexical = clusterLexically(keywords, lexicalOptions);
    const refined = refineWithEmbeddings(lexical.clusters, keywords, vectors, {
      threshold: Number(env.EVAL_EMBEDDING_THRESHOLD) || EMBEDDING_DEFAULTS.threshold,
    });
    clusters = nameClusters(refined.clusters, keywords);
  } else {
    // The ai job's calls: batches of 300 through the auto_cluster prompt, matched back like the job does.
    const model = env.EVAL_AI_MODEL || 'gpt-4o-mini';
    const outputs: Parameters<typeof matchAiClusters>[0] = [];
    for (let i = 0; i < keywords.length; i += 300) {
      const batch = keywords.slice(i, i + 300);
      const input = { keywords: batch.map((k) => k.normalized), maxClusters: 100 };
      const prompt = renderTemplate(DEFAULT_PROMPTS.auto_cluster, {
        site_name: 'an evaluation site',
        sector_name: 'mixed topics',
        language: 'the keywords’ language',
        ...autoCluster.variables(input),
      });
      const answer = await client!.text({
        model,
        system: autoCluster.system,
        prompt,
        maxOutputTokens: autoCluster.maxOutputTokens(input),
        json: { name: 'auto_cluster', schema: jsonSchemaFor(ZClusterOutput) },
      });
      const parsed = ZClusterOutput.parse(JSON.parse(answer.text));
      outputs.push({
        clusters: parsed.clusters,
        sent: batch.map((k) => ({ id: k.id, normalized: normalizeKeyword(k.normalized) })),
      });
    }
    clusters = matchAiClusters(outputs).clusters;
  }
  const ms = Math.round(performance.now() - started);
  return { report: evaluate(keywords, clusters, options.worst ?? 5), ms };
}
