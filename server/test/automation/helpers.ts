import pino from 'pino';
import type { TAutomationRun, TAutomationSettingsPatch } from '@igny8/shared';
import { JobWorker } from '../../src/jobs/worker.ts';
import type { TestContext } from '../helpers/app.ts';
import { eventually } from '../helpers/processes.ts';
import type { Member } from '../helpers/users.ts';

/** Settings tests start from: small batches, everything automatic up to the review queue, one inline image. */
export const QUICK: TAutomationSettingsPatch = {
  autoApprove: true,
  autoPublish: false,
  ideasPerCluster: 1,
  imageCount: 1,
  batchSizes: { cluster: 1000, ideas: 4, tasks: 4, articles: 4, images: 4, publish: 4 },
};

/** Twenty keywords that cluster lexically into a handful of groups. */
export const KEYWORDS = [
  'trail running shoes',
  'best trail running shoes',
  'trail running shoes for women',
  'waterproof trail running shoes',
  'hiking boots',
  'waterproof hiking boots',
  'lightweight hiking boots',
  'hiking boots for men',
  'running socks',
  'merino running socks',
  'compression running socks',
  'running socks for blisters',
  'camping tent',
  'two person camping tent',
  'ultralight camping tent',
  'camping tent for family',
  'trekking poles',
  'carbon trekking poles',
  'folding trekking poles',
  'trekking poles for hiking',
];

/** Calls /api/v1{url} as the member; answers status and body. */
export function apiOf(t: TestContext) {
  return async (member: Member, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown) => {
    const res = await t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: member.headers,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
    return { status: res.statusCode, body: res.json() };
  };
}

/** Imports pasted keywords into the sector and waits for the import. */
export async function importKeywords(t: TestContext, member: Member, siteId: string, sectorId: string, list: string[]) {
  const api = apiOf(t);
  const res = await api(member, 'POST', '/planner/keywords/import', { siteId, sectorId, text: list.join('\n') });
  if (res.status !== 202) throw new Error(`import: ${res.status} ${JSON.stringify(res.body)}`);
  const id = res.body.data.importId;
  await eventually(async () => {
    const imp = (await api(member, 'GET', `/planner/imports/${id}`)).body.data;
    if (imp.status === 'failed') throw new Error('import failed');
    return imp.status === 'succeeded' ? imp : undefined;
  }, 30_000);
}

/** Polls a run until `done(run)`; answers the run. */
export function runUntil(
  t: TestContext,
  member: Member,
  runId: string,
  done: (run: TAutomationRun) => boolean = (r) => r.status === 'ended',
  timeoutMs = 120_000,
) {
  const api = apiOf(t);
  return eventually(
    async () => {
      const run = (await api(member, 'GET', `/automation/runs/${runId}`)).body.data as TAutomationRun;
      return done(run) ? run : undefined;
    },
    timeoutMs,
    100,
  );
}

/** An in-process worker as `npm start` runs it. */
export async function startWorker(t: TestContext) {
  const worker = new JobWorker(t.queue.boss, t.db.prisma, t.queue.registry, pino({ level: 'silent' }), {
    concurrency: t.config.WORKER_CONCURRENCY,
    backstopPollingSeconds: 1,
  });
  await worker.start();
  return worker;
}

/** The stage's counts in a run. */
export const stage = (run: TAutomationRun, name: string) => run.stages.find((s) => s.stage === name)!;

/** Credits the ledger captured for the run's jobs (what the run must report as used). */
export async function ledgerCaptures(t: TestContext, runId: string): Promise<number> {
  const items = await t.db.prisma.automationItem.findMany({ where: { runId }, select: { jobRunId: true } });
  const ids = items.map((i) => i.jobRunId).filter((id): id is string => !!id);
  const holds = await t.db.prisma.creditHold.findMany({ where: { jobRunId: { in: ids } } });
  return holds.reduce((n, h) => n + h.captured, 0);
}
