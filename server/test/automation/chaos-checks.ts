import type { TestContext } from '../helpers/app.ts';
import { listAll, type Site } from './wordpress.ts';

export interface Check {
  name: string;
  /** What was counted: the violations (0 is a pass), or a figure. */
  value: number;
  ok: boolean;
  detail?: string;
}

export interface ChaosSite {
  wp: Site;
  siteId: string;
  accountId: string;
}

const sample = (list: string[]) => (list.length ? list.slice(0, 5).join('; ') : undefined);

/**
 * What must hold after the chaos, however often the worker died: nothing twice in WordPress (posts by IGNY8 content
 * id and by title, media by image id), every credit hold settled once with the runs reporting what the ledger
 * captured, nothing lost (items, keywords, tasks), every run ended with a reason. Answers the checks and the figures.
 */
export async function checkChaos(t: TestContext, sites: ChaosSite[]) {
  const prisma = t.db.prisma;
  const checks: Check[] = [];
  const add = (name: string, problems: string[]) =>
    checks.push({ name, value: problems.length, ok: problems.length === 0, detail: sample(problems) });
  let posts = 0;
  let media = 0;

  // WordPress: posts by content id and by title, media by image id (WordPress names each file after it).
  const postDupes: string[] = [];
  const titleDupes: string[] = [];
  const mediaDupes: string[] = [];
  const missingPosts: string[] = [];
  for (const site of sites) {
    const contents = await prisma.content.findMany({
      where: { siteId: site.siteId },
      select: { id: true, versions: { select: { title: true } }, publication: true, images: { select: { id: true } } },
    });
    const ours = new Set(contents.map((c) => c.id));
    const titles = new Set(contents.flatMap((c) => c.versions.map((v) => v.title)));
    // Ours, or untagged ones with one of our titles (earlier chaos runs' posts, tagged with their ids, are not).
    const wpPosts = (await listAll(site.wp, 'posts')).filter(
      (p) => ours.has(p.contentId) || (!p.contentId && titles.has(p.title)),
    );
    posts += wpPosts.filter((p) => ours.has(p.contentId)).length;
    const byContent = new Map<string, number[]>();
    const byTitle = new Map<string, number[]>();
    for (const p of wpPosts) {
      byContent.set(p.contentId, [...(byContent.get(p.contentId) ?? []), p.id]);
      byTitle.set(p.title, [...(byTitle.get(p.title) ?? []), p.id]);
    }
    for (const [id, ids] of byContent)
      if (id && ids.length > 1) postDupes.push(`content ${id}: posts ${ids.join(', ')}`);
    // The fake provider's titles repeat, so a title counts twice only when it has more posts than articles.
    for (const [title, ids] of byTitle) {
      const articles = new Set(wpPosts.filter((p) => p.title === title && p.contentId).map((p) => p.contentId)).size;
      if (ids.length > Math.max(articles, 1)) titleDupes.push(`"${title}": posts ${ids.join(', ')}`);
    }
    for (const c of contents) {
      const pub = c.publication;
      if (pub?.status === 'published' && !byContent.has(c.id))
        missingPosts.push(`content ${c.id} (post ${pub.postId})`);
    }

    const wpMedia = await listAll(site.wp, 'media');
    for (const c of contents) {
      for (const image of c.images) {
        const piece = `-${image.id.slice(0, 8)}-`;
        const found = wpMedia.filter((m) => m.slug.includes(piece) || m.sourceUrl.includes(piece));
        media += found.length;
        if (found.length > 1) mediaDupes.push(`image ${image.id}: media ${found.map((m) => m.id).join(', ')}`);
      }
    }
  }
  add('duplicate posts (same IGNY8 content id)', postDupes);
  add('duplicate posts (same title)', titleDupes);
  add('duplicate media (same image)', mediaDupes);
  add('published articles missing from WordPress', missingPosts);

  // Credits: each hold settled once, at most one capture each, and the runs' figures equal to the ledger's.
  const accountIds = sites.map((s) => s.accountId);
  const runs = await prisma.automationRun.findMany({ where: { accountId: { in: accountIds } } });
  const items = await prisma.automationItem.findMany({ where: { accountId: { in: accountIds } } });
  const jobIds = items.map((i) => i.jobRunId).filter((id): id is string => !!id);
  const holds = await prisma.creditHold.findMany({ where: { accountId: { in: accountIds } } });
  add(
    'credit holds left open',
    holds.filter((h) => h.status === 'open').map((h) => `hold ${h.id} (job ${h.jobRunId})`),
  );
  const entries = await prisma.creditLedgerEntry.groupBy({
    by: ['holdId', 'kind'],
    where: { accountId: { in: accountIds }, holdId: { not: null }, kind: { in: ['capture', 'release', 'refund'] } },
    _count: { _all: true },
  });
  add(
    'holds captured or released twice',
    entries.filter((e) => e._count._all > 1).map((e) => `hold ${e.holdId}: ${e._count._all} ${e.kind} entries`),
  );
  // A capture entry moves no balance (the hold did); it records the credits used in `usage.credits`.
  const captures = await prisma.creditLedgerEntry.findMany({
    where: { accountId: { in: accountIds }, kind: 'capture', holdId: { not: null } },
    select: { holdId: true, usage: true },
  });
  const captured = new Map<string, number>();
  for (const c of captures) {
    const credits = Number((c.usage as { credits?: number } | null)?.credits ?? 0);
    captured.set(c.holdId!, (captured.get(c.holdId!) ?? 0) + credits);
  }
  add(
    'holds whose captured figure differs from the ledger',
    holds
      .filter((h) => h.captured !== (captured.get(h.id) ?? 0))
      .map((h) => `hold ${h.id}: ${h.captured} vs ledger ${captured.get(h.id) ?? 0}`),
  );
  const runJobs = new Set(jobIds);
  const ledgerForRuns = holds.filter((h) => h.jobRunId && runJobs.has(h.jobRunId)).reduce((n, h) => n + h.captured, 0);
  const reported = runs.reduce((n, r) => n + r.creditsUsed, 0);
  add(
    'runs whose credits used differ from the ledger',
    reported === ledgerForRuns ? [] : [`runs report ${reported}, the ledger captured ${ledgerForRuns} for their jobs`],
  );
  const chargedTwice = await prisma.jobRun.groupBy({
    by: ['accountId', 'type', 'idempotencyKey'],
    where: { accountId: { in: accountIds }, idempotencyKey: { startsWith: 'automation:' } },
    _count: { _all: true },
    having: { idempotencyKey: { _count: { gt: 1 } } },
  });
  add(
    'automation keys with two jobs',
    chargedTwice.map((g) => `${g.idempotencyKey}`),
  );

  // Nothing lost.
  add(
    'automation items not done or failed',
    items
      .filter((i) => i.status !== 'done' && i.status !== 'failed')
      .map((i) => `${i.stage} ${i.subjectId} ${i.status}`),
  );
  const siteIds = sites.map((s) => s.siteId);
  const unclustered = await prisma.keyword.findMany({
    where: { siteId: { in: siteIds }, clusterId: null },
    select: { id: true },
  });
  add(
    'keywords never clustered',
    unclustered.map((k) => `${k.id}`),
  );
  const tasks = await prisma.task.findMany({
    where: { siteId: { in: siteIds }, automationRunId: { not: null } },
    select: { id: true, status: true, failureReason: true },
  });
  const stuck = tasks.filter((k) => k.status !== 'published' && !(k.status === 'failed' && k.failureReason));
  const stuckWhy: string[] = [];
  for (const k of stuck) {
    const content = await prisma.content.findUnique({ where: { taskId: k.id }, select: { id: true } });
    const subjects = [k.id, ...(content ? [content.id] : [])];
    const its = items.filter((i) => subjects.includes(i.subjectId));
    const jobs = await prisma.jobRun.findMany({ where: { id: { in: its.map((i) => i.jobRunId!).filter(Boolean) } } });
    const said = its.map((i) => {
      const job = jobs.find((j) => j.id === i.jobRunId);
      const why = JSON.stringify(job?.error ?? i.error ?? null);
      return `${i.stage} item ${i.status}, job ${job ? `${job.type} ${job.status} x${job.attempts}` : 'none'}: ${why}`;
    });
    stuckWhy.push(`task ${k.id} ${k.status}: ${said.join(' | ') || 'no items'}`);
  }
  add('automated tasks neither published nor failed with a reason', stuckWhy);
  add(
    'runs that did not end with a stop reason',
    runs.filter((r) => r.status !== 'ended' || !r.stopReason).map((r) => `run ${r.id} ${r.status}`),
  );

  const reasons = new Map<string, number>();
  for (const r of runs) reasons.set(r.stopReason ?? 'none', (reasons.get(r.stopReason ?? 'none') ?? 0) + 1);
  return {
    checks,
    figures: {
      runs: runs.length,
      posts,
      media,
      tasks: tasks.length,
      published: tasks.filter((k) => k.status === 'published').length,
      failedTasks: tasks.filter((k) => k.status === 'failed').length,
      creditsUsed: reported,
      stopReasons: Object.fromEntries(reasons),
    },
  };
}
