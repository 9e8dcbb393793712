/**
 * Measures the clustering methods on the labelled sets (server/test/fixtures/planner/clustering):
 *
 *   npm run eval:clustering                               # lexical on every set; embedding/ai when configured
 *   npm run eval:clustering -- --method embedding         # one method (lexical | embedding | ai | all)
 *   npm run eval:clustering -- --set dev --granularity 4  # one set (old | dev | heldout | all), a granularity 1-5
 *   npm run eval:clustering -- --json                     # one JSON line per method and set
 *   npm run eval:clustering -- --ablation                 # lexical, steps added one at a time, dev and held-out
 *
 * Prints, per method and set: adjusted Rand index, cluster count against the true topic count, purity, and the
 * worst splits and merges. Lexical runs offline. Embedding and ai call a real provider through the product's own
 * provider client (the official OpenAI SDK): set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible endpoint),
 * EVAL_EMBEDDING_MODEL (default text-embedding-3-small) and EVAL_AI_MODEL (default gpt-4o-mini). Without a key they
 * are skipped, and the output says so. They are paid by that key, outside IGNY8's credits.
 */
import { parseArgs } from 'node:util';
import { clusterLexically, type LexicalSteps } from '../src/modules/planner/clustering/lexical.ts';
import { measureMethod, METHODS, type EvalMethod } from '../src/modules/planner/clustering/eval-run.ts';
import {
  countWithinGoal,
  EVAL_SETS,
  evaluate,
  loadEvalSet,
  type EvalReport,
  type EvalSetName,
} from '../src/modules/planner/clustering/eval-sets.ts';

const { values } = parseArgs({
  options: {
    method: { type: 'string', default: 'all' },
    set: { type: 'string', default: 'all' },
    granularity: { type: 'string' },
    worst: { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
    ablation: { type: 'boolean', default: false },
  },
});

const methods = values.method === 'all' ? [...METHODS] : [values.method as EvalMethod];
const sets = values.set === 'all' ? (Object.keys(EVAL_SETS) as EvalSetName[]) : [values.set as EvalSetName];
for (const m of methods) if (!METHODS.includes(m)) fail(`--method must be one of ${METHODS.join(', ')} or all`);
for (const s of sets) if (!(s in EVAL_SETS)) fail(`--set must be one of ${Object.keys(EVAL_SETS).join(', ')} or all`);
const granularity = values.granularity === undefined ? undefined : Number(values.granularity);
if (granularity !== undefined && !(Number.isInteger(granularity) && granularity >= 1 && granularity <= 5))
  fail('--granularity must be a whole number from 1 (broad topics) to 5 (tight groups)');
const worst = Number(values.worst);

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function print(method: string, set: EvalSetName, r: EvalReport, ms: number) {
  const goal = set === 'heldout' ? ` (goal: ARI >= 0.6 ${r.ari >= 0.6 ? 'met' : 'MISSED'})` : '';
  console.log(`\n${method} on ${set} (${EVAL_SETS[set]}): ${r.keywords} keywords, ${r.topics} topics, ${ms} ms`);
  console.log(`  ARI ${r.ari.toFixed(3)}${goal}`);
  console.log(
    `  clusters ${r.clusters} for ${r.topics} topics: ${r.countRatio.toFixed(2)}x ` +
      `(goal within 1.5x: ${countWithinGoal(r) ? 'met' : 'MISSED'}), ${r.singletons} single-keyword`,
  );
  console.log(
    `  purity ${pct(r.purity)} (clusters mixing topics), kept together ${pct(r.inversePurity)} (topics split)`,
  );
  console.log('  worst splits:');
  for (const s of r.worstSplits)
    console.log(
      `    ${s.topic}: ${s.keywords} keywords in ${s.clusters} clusters, ${pct(s.kept)} together; ` +
        s.pieces.map((p) => `"${p.cluster}" ${p.keywords}`).join(', '),
    );
  console.log('  worst merges:');
  for (const m of r.worstMerges)
    console.log(
      `    "${m.cluster}" (${m.keywords}): ` +
        m.topics.map((t) => `${t.topic} ${t.keywords} (e.g. "${t.example}")`).join(', '),
    );
}

/**
 * What each step of the lexical method adds: the steps turned on one at a time in pipeline order, from stems alone
 * joined by connected components, measured on the development and held-out halves (the table in the fixtures'
 * README.md).
 */
function ablation() {
  const order: [keyof LexicalSteps | null, string][] = [
    [null, 'stems only, connected components'],
    ['communities', '+ Louvain communities'],
    ['phrases', '+ adjacent word pairs'],
    ['wordnet', '+ WordNet synonyms and hypernyms'],
    ['glosses', '+ WordNet definitions (glosses)'],
    ['wordVectors', '+ GloVe word vectors (SIF-weighted)'],
    ['sharedNeighbours', '+ shared-neighbour weights'],
    ['mergeSmall', '+ pairs join the group they link to'],
    ['attach', '+ single keywords join a group'],
  ];
  const halves = (['dev', 'heldout'] as const).map((set) => ({ set, keywords: loadEvalSet(set) }));
  const steps: LexicalSteps = {
    phrases: false,
    wordnet: false,
    glosses: false,
    sharedNeighbours: false,
    wordVectors: false,
    communities: false,
    mergeSmall: false,
    attach: false,
  };
  console.log('| step | dev ARI | dev clusters | held-out ARI | held-out clusters |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [step, label] of order) {
    if (step) steps[step] = true;
    const cells = halves.map(({ keywords }) => {
      const r = evaluate(keywords, clusterLexically(keywords, { granularity, steps: { ...steps } }).clusters, 0);
      return `${r.ari.toFixed(3)} | ${r.clusters} (${r.topics} topics)`;
    });
    console.log(`| ${label} | ${cells.join(' | ')} |`);
  }
}

if (values.ablation) {
  ablation();
  process.exit(0);
}

for (const method of methods) {
  for (const set of sets) {
    const outcome = await measureMethod(method, set, { granularity, worst });
    if ('skipped' in outcome) {
      console.log(`\n${method} on ${set}: skipped: ${outcome.skipped}`);
      if (values.json) console.log(JSON.stringify({ method, set, skipped: outcome.skipped }));
      break;
    }
    if (values.json) console.log(JSON.stringify({ method, set, ms: outcome.ms, ...outcome.report }));
    else print(method, set, outcome.report, outcome.ms);
  }
}
