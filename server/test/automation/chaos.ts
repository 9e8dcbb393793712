import type { TAutomationRun } from '@igny8/shared';
import { startFakeAi, type FakeAi } from '../fake-ai/server.ts';
import { FAKE_AI_ENV, memberWithFakeAi } from '../helpers/ai.ts';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import type { RunningProcess } from '../helpers/processes.ts';
import { connectWordPress, listen } from '../publisher/helpers.ts';
import { workerLauncher } from './chaos-worker.ts';
import { checkChaos, type ChaosSite, type Check } from './chaos-checks.ts';
import { apiOf, importKeywords, QUICK } from './helpers.ts';
import { startSite, type Site } from './wordpress.ts';

/**
 * The automation pipeline under fire: several sites, each with its own real WordPress, run automation end to end
 * (auto-publish, published now, one inline image, the fake AI provider, PostgreSQL) while the worker process is
 * SIGKILLed at random moments and started again, `kills` times. Runs keep being started (and keywords imported when a
 * site has nothing left) until the last kill; then the worker is left alone, every site runs until nothing waits, and
 * checkChaos looks for duplicates, double charges and lost work. `npm run chaos:automation` and chaos.test.ts call it.
 */
export interface ChaosOptions {
  kills: number;
  sites: number;
  /** The worker lives this long (ms, uniformly random) between being ready and being killed. */
  aliveMs?: [number, number];
  log?: (line: string) => void;
}

export interface ChaosReport {
  checks: Check[];
  figures: Awaited<ReturnType<typeof checkChaos>>['figures'] & { kills: number; seconds: number; sites: number };
  ok: boolean;
}

const ITEMS = ['tent', 'stove', 'backpack', 'sleeping bag', 'headlamp', 'rain jacket', 'water filter', 'compass'];
const PLACES = ['alpine', 'desert', 'coastal', 'forest', 'arctic', 'jungle', 'canyon', 'prairie', 'island', 'glacier'];
const ANGLES = ['best', 'cheap', 'guide to', 'how to choose a'];

/** Batch `n` of a site: 3 new topics of 4 keywords each (about 3 clusters), never repeating an earlier batch. */
export function keywordBatch(n: number): string[] {
  const list: string[] = [];
  for (let k = 0; k < 3; k++) {
    const i = n * 3 + k;
    const topic = `${PLACES[i % PLACES.length]} ${ITEMS[Math.floor(i / PLACES.length) % ITEMS.length]}`;
    for (const angle of ANGLES) list.push(`${angle} ${topic}`);
  }
  return list;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = ([lo, hi]: [number, number]) => lo + Math.random() * (hi - lo);

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const log = (line: string) => options.log?.(`${((Date.now() - started) / 1000).toFixed(1)} s ${line}`);
  let fake: FakeAi | undefined;
  let t: TestContext | undefined;
  let worker: RunningProcess | undefined;
  let launcher: Awaited<ReturnType<typeof workerLauncher>> | undefined;
  try {
    fake = await startFakeAi();
    log(`starting ${options.sites} WordPress sites`);
    // One after the other: MariaDB installs started side by side trip over each other's temporary tables.
    const wps: Site[] = [];
    for (let i = 0; i < options.sites; i++) wps.push(await startSite(11 + i));
    t = await createTestApp({ ...FAKE_AI_ENV, AUTOMATION_POLL_MS: '200' });
    const ctx = t;
    const api = apiOf(t);
    const serverUrl = await listen(t);
    const workerEnv = { AUTOMATION_POLL_MS: '200', DATA_DIR: t.config.DATA_DIR };
    launcher = await workerLauncher(t, workerEnv);
    worker = await launcher.start();

    const sites: (ChaosSite & {
      member: Awaited<ReturnType<typeof memberWithFakeAi>>;
      sectorId: string;
      batch: number;
    })[] = [];
    for (const wp of wps) {
      const member = await memberWithFakeAi(t, fake, 10_000_000);
      const where = await connectWordPress(t, wp, member, serverUrl);
      const settings = await api(member, 'PUT', `/sites/${where.siteId}/automation`, {
        ...QUICK,
        autoPublish: true,
        publishStatus: 'publish',
        cadence: { postsPerDay: null },
        imageCount: 1,
      });
      if (settings.status !== 200) throw new Error(`settings: ${JSON.stringify(settings.body)}`);
      await importKeywords(t, member, where.siteId, where.sectorId, keywordBatch(0));
      sites.push({ wp, member, siteId: where.siteId, sectorId: where.sectorId, accountId: member.accountId, batch: 0 });
    }
    log(`${sites.length} sites connected; chaos begins (${options.kills} kills)`);

    let kills = 0;
    let chaos = true;
    const killer = (async () => {
      while (kills < options.kills) {
        await sleep(between(options.aliveMs ?? [300, 4000]));
        worker!.child.kill('SIGKILL');
        await worker!.exited;
        kills++;
        const restart = Date.now();
        worker = await launcher!.start();
        if (kills % 10 === 0 || kills === options.kills || options.kills < 20) {
          log(`kill ${kills}/${options.kills} (worker back in ${Date.now() - restart} ms)`);
        }
      }
      chaos = false;
    })();

    /** Starts a run on the site; imports the next keywords first when its last run found nothing to do. */
    const nextRun = async (site: (typeof sites)[number], last: TAutomationRun | null) => {
      if (last?.stopReason === 'nothing_to_do') {
        site.batch++;
        await importKeywords(ctx, site.member, site.siteId, site.sectorId, keywordBatch(site.batch)).catch(() => {});
      }
      const res = await api(site.member, 'POST', `/sites/${site.siteId}/automation/runs`);
      if (res.status !== 202) throw new Error(`start a run: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.data.id as string;
    };
    /** The run as the API shows it; an answer other than 200 (the API under load) is logged and asked again. */
    const runOf = async (site: (typeof sites)[number], id: string): Promise<TAutomationRun> => {
      for (;;) {
        const res = await api(site.member, 'GET', `/automation/runs/${id}`);
        if (res.status === 200) return res.body.data as TAutomationRun;
        log(`GET run ${id.slice(0, 8)}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        await sleep(1000);
      }
    };

    /** Keeps a run going on every site while `going()`; answers each site's last run. */
    const drive = async (going: () => boolean, perSiteLimit: number, until?: (r: TAutomationRun) => boolean) =>
      Promise.all(
        sites.map(async (site) => {
          let last: TAutomationRun | null = null;
          for (let n = 0; n < perSiteLimit && going(); n++) {
            const id = await nextRun(site, last);
            const deadline = Date.now() + 15 * 60_000;
            for (;;) {
              last = await runOf(site, id);
              if (last.status === 'ended') break;
              if (Date.now() > deadline) throw new Error(`run ${id} did not end within 15 minutes`);
              await sleep(300);
            }
            log(`run ${id.slice(0, 8)} ended: ${last.stopReason} (${last.itemsProcessed} items)`);
            if (until?.(last)) break;
          }
          return last;
        }),
      );

    await Promise.all([killer, drive(() => chaos, Infinity)]);
    const chaosSeconds = (Date.now() - started) / 1000;
    log(`chaos over after ${kills} kills (${chaosSeconds.toFixed(0)} s); letting every site finish its work`);
    // The worker now stays up: each site runs until nothing waits at any stage (a few runs at most).
    await drive(
      () => true,
      6,
      (r) => r.stopReason === 'nothing_to_do',
    );

    const { checks, figures } = await checkChaos(t, sites);
    const seconds = Math.round((Date.now() - started) / 1000);
    return {
      checks,
      figures: { ...figures, kills, seconds, sites: sites.length },
      ok: checks.every((c) => c.ok),
    };
  } finally {
    if (worker) {
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
    launcher?.remove();
    await t?.close();
    await fake?.close();
  }
}

/** The report as a table, then the figures, as `npm run chaos:automation` prints it. */
export function formatReport(report: ChaosReport): string {
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const lines = ['check'.padEnd(width) + '  count  result', '-'.repeat(width + 15)];
  for (const c of report.checks) {
    lines.push(`${c.name.padEnd(width)}  ${String(c.value).padStart(5)}  ${c.ok ? 'ok' : 'VIOLATION'}`);
    if (!c.ok && c.detail) lines.push(`  e.g. ${c.detail}`);
  }
  const f = report.figures;
  lines.push(
    '',
    `kills ${f.kills}, sites ${f.sites}, runs ${f.runs}, posts ${f.posts}, media ${f.media}, ` +
      `tasks ${f.tasks} (published ${f.published}, failed ${f.failedTasks}), credits ${f.creditsUsed}, ${f.seconds} s`,
    `runs by stop reason: ${Object.entries(f.stopReasons)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    report.ok ? 'RESULT ok' : 'RESULT violations found',
  );
  return lines.join('\n');
}
