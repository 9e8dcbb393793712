import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_ENCRYPTION_KEYS, type TestContext } from '../helpers/app.ts';
import { FakeSite } from '../helpers/fake-site.ts';
import { eventually, startProcess, type RunningProcess } from '../helpers/processes.ts';
import { registerOwner, type Member } from '../helpers/users.ts';
import { addSector, insertCluster, insertKeywords, siteWithSector } from './helpers.ts';

/** The keyword list (filters, sorts, keyset pages), edits, bulk actions, CSV export and the site posts sync. */
let t: TestContext;
let owner: Member;
let other: Member;
let where: { siteId: string; sectorId: string };
let sector2: string;
let clusterId: string;

const get = (url: string, member = owner) => t.app.inject({ method: 'GET', url, headers: member.headers });
const send = (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, member = owner) =>
  t.app.inject({ method, url, headers: member.headers, ...(payload ? { payload } : {}) });

interface Row {
  id: string;
  keyword: string;
  normalized: string;
  volume: number | null;
  difficulty: number | null;
  createdAt: string;
}

/** Every page of the list, following nextCursor. */
async function walk(query: string, limit: number): Promise<Row[]> {
  const rows: Row[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const res = await get(
      `/api/v1/planner/keywords?siteId=${where.siteId}&limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json().data;
    expect(data.items.length).toBeLessThanOrEqual(limit);
    rows.push(...data.items);
    cursor = data.nextCursor;
    if (!cursor) return rows;
  }
  throw new Error('too many pages');
}

const byId = (a: Row, b: Row) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
/** The order the API promises: values first (ties by id, same direction), then rows without a value by id. */
function expected(rows: Row[], key: 'volume' | 'difficulty' | 'normalized' | 'createdAt', desc: boolean): string[] {
  const withValue = rows.filter((r) => r[key] !== null);
  const without = rows.filter((r) => r[key] === null);
  const sign = desc ? -1 : 1;
  withValue.sort((a, b) => {
    const x = a[key]!;
    const y = b[key]!;
    return (x < y ? -1 : x > y ? 1 : byId(a, b)) * sign;
  });
  without.sort((a, b) => byId(a, b) * sign);
  return [...withValue, ...without].map((r) => r.id);
}

beforeAll(async () => {
  t = await createTestApp({ ALLOW_PRIVATE_SITE_URLS: 'true' });
  owner = await registerOwner(t.app);
  other = await registerOwner(t.app, 'Other');
  where = await siteWithSector(t, owner);
  sector2 = await addSector(t, owner, where.siteId, 'Second');
  clusterId = (await insertCluster(t, owner, where, 'running shoes')).id;
  const volumes = [100, 50, 50, 50, null, 10, null, 0, 50, 100, 7, null];
  await insertKeywords(
    t,
    owner,
    where,
    Array.from({ length: 36 }, (_, i) => ({
      keyword: `${['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'][i % 6]}${String(i).padStart(2, '0')} shoes`,
      volume: volumes[i % volumes.length]!,
      difficulty: i % 5 === 0 ? null : (i * 7) % 60,
      intent: i % 4 === 0 ? ('commercial' as const) : ('informational' as const),
      status: i % 3 === 0 ? ('ignored' as const) : ('new' as const),
      clusterId: i < 6 ? clusterId : null,
      createdAt: new Date(Date.UTC(2026, 0, 1 + (i % 4))), // many ties
    })),
  );
  // The same keywords in a second sector: ties on the keyword sort too.
  await insertKeywords(
    t,
    owner,
    { siteId: where.siteId, sectorId: sector2 },
    ['alpha00 shoes', 'bravo01 shoes', 'zulu shoes'].map((keyword) => ({ keyword, volume: 50, difficulty: 30 })),
  );
});
afterAll(async () => {
  await t?.close();
});

describe('keyword list', () => {
  it('walks every sort across pages with ties and NULLs: no duplicates, no gaps, the promised order', async () => {
    const all = await walk('&sort=newest', 200);
    expect(all).toHaveLength(39);
    const cases = [
      ['volume', 'volume', false],
      ['-volume', 'volume', true],
      ['difficulty', 'difficulty', false],
      ['-difficulty', 'difficulty', true],
      ['keyword', 'normalized', false],
      ['-keyword', 'normalized', true],
      ['newest', 'createdAt', true],
    ] as const;
    for (const [sort, key, desc] of cases) {
      for (const limit of [1, 4, 7]) {
        const rows = await walk(`&sort=${sort}`, limit);
        const ids = rows.map((r) => r.id);
        expect(new Set(ids).size, `${sort} limit ${limit}`).toBe(39);
        expect(ids, `${sort} limit ${limit}`).toEqual(expected(all, key, desc));
      }
    }
    // The default is the highest volume first, keywords without a volume last.
    const first = (await get(`/api/v1/planner/keywords?siteId=${where.siteId}&limit=39`)).json().data.items;
    expect(first[0].volume).toBe(100);
    expect(first.at(-1).volume).toBeNull();
  });

  it('filters by status, cluster, intent, ranges, sector and text (case-insensitive)', async () => {
    const ids = async (q: string) => (await walk(q, 200)).map((r) => r.keyword);
    expect(await ids('&status=ignored')).toHaveLength(12);
    expect(await ids(`&clusterId=${clusterId}`)).toHaveLength(6);
    expect(await ids('&clusterId=none')).toHaveLength(33);
    expect(await ids('&intent=commercial')).toHaveLength(9);
    const mid = await walk('&minVolume=10&maxVolume=50', 200);
    expect(mid.length).toBeGreaterThan(0);
    expect(mid.every((r) => r.volume! >= 10 && r.volume! <= 50)).toBe(true);
    const easy = await walk('&maxDifficulty=20&minDifficulty=5', 200);
    expect(easy.every((r) => r.difficulty! >= 5 && r.difficulty! <= 20)).toBe(true);
    expect(await ids(`&sectorId=${sector2}&sort=keyword`)).toEqual(['alpha00 shoes', 'bravo01 shoes', 'zulu shoes']);
    expect(await ids('&q=ZULU%20%20Shoes')).toEqual(['zulu shoes']);
    expect(await ids('&q=charlie&sort=keyword')).toEqual([
      'charlie02 shoes',
      'charlie08 shoes',
      'charlie14 shoes',
      'charlie20 shoes',
      'charlie26 shoes',
      'charlie32 shoes',
    ]);
    const list = (await get(`/api/v1/planner/keywords?siteId=${where.siteId}&clusterId=${clusterId}`)).json().data;
    expect(list.items.every((k: { clusterName: string }) => k.clusterName === 'running shoes')).toBe(true);
    const count = await get(`/api/v1/planner/keywords/count?siteId=${where.siteId}&status=ignored`);
    expect(count.json().data).toEqual({ total: 12 });
  });

  it('refuses bad cursors, a cursor of another sort, bad ranges and a missing site clearly', async () => {
    const base = `/api/v1/planner/keywords?siteId=${where.siteId}`;
    const garbage = await get(`${base}&cursor=not-a-cursor`);
    expect(garbage.statusCode).toBe(400);
    expect(garbage.json().error).toMatch(/cursor is not valid/);
    const page = (await get(`${base}&sort=volume&limit=2`)).json().data;
    const wrongSort = await get(`${base}&sort=keyword&cursor=${page.nextCursor}`);
    expect(wrongSort.statusCode).toBe(400);
    expect(wrongSort.json().error).toMatch(/sorted by "volume", not "keyword"/);
    const range = await get(`${base}&minVolume=100&maxVolume=10`);
    expect(range.statusCode).toBe(422);
    expect(range.json().details.fields[0].field).toBe('maxVolume');
    expect((await get('/api/v1/planner/keywords')).statusCode).toBe(422);
    expect((await get(`${base}&sort=popular`)).statusCode).toBe(422);
    expect((await get(`${base}&limit=201`)).statusCode).toBe(422);
  });

  it("answers 404 for another account's site, keyword, cluster and ids in bodies", async () => {
    const mine = (await walk('&sort=keyword', 200))[0]!;
    expect((await get(`/api/v1/planner/keywords?siteId=${where.siteId}`, other)).statusCode).toBe(404);
    expect((await get(`/api/v1/planner/keywords/count?siteId=${where.siteId}`, other)).statusCode).toBe(404);
    expect((await get(`/api/v1/planner/keywords/export.csv?siteId=${where.siteId}`, other)).statusCode).toBe(404);
    expect((await send('PATCH', `/api/v1/planner/keywords/${mine.id}`, { volume: 1 }, other)).statusCode).toBe(404);
    expect((await send('DELETE', `/api/v1/planner/keywords/${mine.id}`, undefined, other)).statusCode).toBe(404);
    const theirs = await siteWithSector(t, other, 'Theirs');
    // Their site with my keyword ids: my keywords are not in their site.
    const bulk = await send(
      'POST',
      '/api/v1/planner/keywords/bulk',
      { siteId: theirs.siteId, action: 'delete', keywordIds: [mine.id] },
      other,
    );
    expect(bulk.statusCode).toBe(404);
    const add = await send(
      'POST',
      '/api/v1/planner/keywords',
      { siteId: where.siteId, sectorId: where.sectorId, keywords: [{ keyword: 'x' }] },
      other,
    );
    expect(add.statusCode).toBe(404);
    // My site with their cluster.
    const theirCluster = await insertCluster(t, other, theirs, 'theirs');
    const assign = await send('POST', '/api/v1/planner/keywords/bulk', {
      siteId: where.siteId,
      action: 'assign_cluster',
      keywordIds: [mine.id],
      clusterId: theirCluster.id,
    });
    expect(assign.statusCode).toBe(404);
    expect(await t.db.prisma.keyword.count({ where: { id: mine.id } })).toBe(1);
  });
});

describe('adding, editing and deleting keywords', () => {
  it('adds by hand, skipping rows already in the sector or repeated, and names bad rows', async () => {
    const res = await send('POST', '/api/v1/planner/keywords', {
      siteId: where.siteId,
      sectorId: where.sectorId,
      keywords: [
        { keyword: 'Buy  Trail Shoes', volume: 900, difficulty: 40, cpc: 1.5 },
        { keyword: 'ALPHA00 shoes' },
        { keyword: 'buy trail shoes' },
        { keyword: 'trail shoes review', intent: 'commercial' },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const data = res.json().data;
    expect(data.created.map((k: { normalized: string }) => k.normalized).sort()).toEqual([
      'buy trail shoes',
      'trail shoes review',
    ]);
    const buy = data.created.find((k: { normalized: string }) => k.normalized === 'buy trail shoes');
    expect(buy).toMatchObject({ source: 'manual', intent: 'transactional', intentInferred: true, volume: 900 });
    expect(data.skipped).toEqual([
      { index: 1, keyword: 'ALPHA00 shoes', reason: 'is already in this sector' },
      { index: 2, keyword: 'buy trail shoes', reason: 'repeats row 0 ("Buy  Trail Shoes")' },
    ]);
    const bad = await send('POST', '/api/v1/planner/keywords', {
      siteId: where.siteId,
      sectorId: where.sectorId,
      keywords: [{ keyword: 'fine' }, { keyword: 'too hard', difficulty: 101 }, { keyword: '  ' }],
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().details.fields.map((f: { field: string }) => f.field)).toEqual([
      'keywords.1.difficulty',
      'keywords.2.keyword',
    ]);
    const otherSite = await siteWithSector(t, owner, 'Elsewhere');
    const mismatch = await send('POST', '/api/v1/planner/keywords', {
      siteId: where.siteId,
      sectorId: otherSite.sectorId,
      keywords: [{ keyword: 'x' }],
    });
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.json().details.fields[0].field).toBe('sectorId');
  });

  it('edits and deletes a keyword, keeping its cluster metrics right', async () => {
    const fresh = await insertCluster(t, owner, where, 'edit metrics');
    await insertKeywords(t, owner, where, [
      { keyword: 'edit one', volume: 10, difficulty: 20, clusterId: fresh.id },
      { keyword: 'edit two', volume: 30, difficulty: 40, clusterId: fresh.id },
    ]);
    const one = await t.db.prisma.keyword.findFirstOrThrow({ where: { normalized: 'edit one' } });
    const patched = await send('PATCH', `/api/v1/planner/keywords/${one.id}`, {
      volume: 70,
      intent: 'commercial',
      status: 'ignored',
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().data).toMatchObject({ volume: 70, intent: 'commercial', intentInferred: false });
    let cluster = await t.db.prisma.keywordCluster.findUniqueOrThrow({ where: { id: fresh.id } });
    expect(cluster).toMatchObject({ totalVolume: 100, keywordCount: 2, mainKeywordId: one.id });
    expect((await send('PATCH', `/api/v1/planner/keywords/${one.id}`, {})).statusCode).toBe(422);
    expect((await send('DELETE', `/api/v1/planner/keywords/${one.id}`)).statusCode).toBe(200);
    cluster = await t.db.prisma.keywordCluster.findUniqueOrThrow({ where: { id: fresh.id } });
    expect(cluster).toMatchObject({ totalVolume: 30, keywordCount: 1, avgDifficulty: 40 });
    expect((await send('DELETE', `/api/v1/planner/keywords/${one.id}`)).statusCode).toBe(404);
  });
});

describe('bulk actions', () => {
  it('assigns, unassigns, sets status and deletes, by ids or by filter, recomputing cluster metrics', async () => {
    const bulkSite = await siteWithSector(t, owner, 'Bulk');
    const target = await insertCluster(t, owner, bulkSite, 'bulk target');
    await insertKeywords(
      t,
      owner,
      bulkSite,
      Array.from({ length: 20 }, (_, i) => ({ keyword: `bulk ${i}`, volume: i * 10, difficulty: i })),
    );
    const rows = await t.db.prisma.keyword.findMany({ where: { siteId: bulkSite.siteId }, orderBy: { volume: 'asc' } });
    const bulk = (body: object) => send('POST', '/api/v1/planner/keywords/bulk', { siteId: bulkSite.siteId, ...body });

    const assign = await bulk({
      action: 'assign_cluster',
      keywordIds: rows.slice(0, 5).map((r) => r.id),
      clusterId: target.id,
    });
    expect(assign.statusCode, assign.body).toBe(200);
    expect(assign.json().data).toEqual({ affected: 5 });
    let cluster = await t.db.prisma.keywordCluster.findUniqueOrThrow({ where: { id: target.id } });
    expect(cluster).toMatchObject({ keywordCount: 5, totalVolume: 100, avgDifficulty: 2, mainKeywordId: rows[4]!.id });
    expect(await t.db.prisma.keyword.count({ where: { clusterId: target.id, status: 'clustered' } })).toBe(5);

    // By filter: every keyword with volume >= 150 joins the cluster too.
    const byFilter = await bulk({ action: 'assign_cluster', filter: { minVolume: 150 }, clusterId: target.id });
    expect(byFilter.json().data).toEqual({ affected: 5 });
    cluster = await t.db.prisma.keywordCluster.findUniqueOrThrow({ where: { id: target.id } });
    expect(cluster).toMatchObject({ keywordCount: 10, totalVolume: 100 + 150 + 160 + 170 + 180 + 190 });

    const status = await bulk({ action: 'set_status', filter: { clusterId: 'none' }, status: 'ignored' });
    expect(status.json().data).toEqual({ affected: 10 });

    const unassign = await bulk({ action: 'unassign_cluster', keywordIds: [rows[4]!.id, rows[10]!.id] });
    expect(unassign.json().data).toEqual({ affected: 1 });
    cluster = await t.db.prisma.keywordCluster.findUniqueOrThrow({ where: { id: target.id } });
    expect(cluster).toMatchObject({ keywordCount: 9, totalVolume: 950 - 40 });
    expect((await t.db.prisma.keyword.findUniqueOrThrow({ where: { id: rows[4]!.id } })).status).toBe('new');

    const del = await bulk({ action: 'delete', filter: { clusterId: target.id, minVolume: 170 } });
    expect(del.json().data).toEqual({ affected: 3 });
    cluster = await t.db.prisma.keywordCluster.findUniqueOrThrow({ where: { id: target.id } });
    expect(cluster).toMatchObject({ keywordCount: 6, totalVolume: 910 - 170 - 180 - 190, mainKeywordId: rows[16]!.id });
  });

  it('refuses a cluster of another sector (422), unknown ids (404, nothing changed) and bad bodies (422)', async () => {
    const s = await siteWithSector(t, owner, 'Strict');
    const otherSector = await addSector(t, owner, s.siteId, 'Other sector');
    const elsewhere = await insertCluster(t, owner, { siteId: s.siteId, sectorId: otherSector }, 'elsewhere');
    await insertKeywords(t, owner, s, [{ keyword: 'strict a' }, { keyword: 'strict b' }]);
    const ids = (await t.db.prisma.keyword.findMany({ where: { siteId: s.siteId } })).map((k) => k.id);
    const bulk = (body: object) => send('POST', '/api/v1/planner/keywords/bulk', { siteId: s.siteId, ...body });

    const sectorMismatch = await bulk({ action: 'assign_cluster', keywordIds: ids, clusterId: elsewhere.id });
    expect(sectorMismatch.statusCode).toBe(422);
    expect(sectorMismatch.json().error).toMatch(/another sector than 2 of these keywords/);

    const missing = crypto.randomUUID();
    const unknown = await bulk({ action: 'delete', keywordIds: [...ids, missing] });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toContain(missing);
    expect(await t.db.prisma.keyword.count({ where: { siteId: s.siteId } })).toBe(2);

    expect((await bulk({ action: 'set_status', keywordIds: ids })).statusCode).toBe(422);
    expect((await bulk({ action: 'delete' })).statusCode).toBe(422);
    expect((await bulk({ action: 'delete', keywordIds: ids, filter: {} })).statusCode).toBe(422);
    const tooMany = Array.from({ length: 10_001 }, () => crypto.randomUUID());
    expect((await bulk({ action: 'delete', keywordIds: tooMany })).statusCode).toBe(422);
  });
});

describe('CSV export', () => {
  it('streams the filtered keywords in list order with a header row, as an attachment', async () => {
    const res = await get(`/api/v1/planner/keywords/export.csv?siteId=${where.siteId}&sort=keyword&q=shoes`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="keywords-\d{4}-\d{2}-\d{2}\.csv"$/);
    const records = parse(res.body) as string[][];
    expect(records[0]).toEqual(['keyword', 'volume', 'difficulty', 'cpc', 'intent', 'status', 'cluster', 'source']);
    const listed = await walk('&sort=keyword&q=shoes', 200);
    expect(records.slice(1).map((r) => r[0])).toEqual(listed.map((r) => r.keyword));
    // "alpha00 shoes" is in both sectors (volume 100 here, 50 in the second): pick the first sector's.
    const alpha = records.find((r) => r[0] === 'alpha00 shoes' && r[6] === 'running shoes')!;
    expect(alpha).toEqual(['alpha00 shoes', '100', '', '', 'commercial', 'ignored', 'running shoes', 'csv']);

    const empty = await get(`/api/v1/planner/keywords/export.csv?siteId=${where.siteId}&q=nothing-matches`);
    expect(empty.statusCode).toBe(200);
    expect(empty.body.trim()).toBe('keyword,volume,difficulty,cpc,intent,status,cluster,source');
  });
});

describe('site posts sync and cannibalization', () => {
  let site: FakeSite;
  let worker: RunningProcess;
  let siteId: string;

  beforeAll(async () => {
    site = await new FakeSite().start();
    const key = await send('POST', '/api/v1/connection-keys');
    const reg = await t.app.inject({
      method: 'POST',
      url: '/api/v1/connect/register',
      payload: site.registerBody(key.json().data.key),
    });
    expect(reg.statusCode, reg.body).toBe(201);
    site.accept(reg.json().data);
    siteId = reg.json().data.siteId;
    worker = startProcess('test/fixtures/worker-process.ts', {
      DATABASE_URL: t.database.url,
      ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
      JWT_SECRET: 'x'.repeat(40),
      ALLOW_PRIVATE_SITE_URLS: 'true',
    });
    await worker.waitFor(/WORKER READY/);
  });
  afterAll(async () => {
    worker?.child.kill('SIGKILL');
    await worker?.exited;
    await site?.close();
  });

  async function sync() {
    const res = await send('POST', `/api/v1/planner/sites/${siteId}/posts/sync`);
    expect(res.statusCode, res.body).toBe(202);
    return eventually(async () => {
      const job = (await get(`/api/v1/jobs/${res.json().data.jobId}`)).json().data;
      if (job.status === 'failed') throw new Error(JSON.stringify(job));
      return job.status === 'succeeded' ? job : undefined;
    }, 30_000);
  }

  it('reads every page of posts and pages, flags clusters a post targets, and clears flags that no longer hold', async () => {
    const sectorId = await addSector(t, owner, siteId, 'Running');
    const clusters: Record<string, string> = {};
    for (const main of ['best trail running shoes', 'how to lace shoes', 'marathon training', 'zebra socks']) {
      const cluster = await insertCluster(t, owner, { siteId, sectorId }, main);
      await insertKeywords(t, owner, { siteId, sectorId }, [{ keyword: main, volume: 10, clusterId: cluster.id }]);
      const kw = await t.db.prisma.keyword.findFirstOrThrow({ where: { clusterId: cluster.id } });
      await t.db.prisma.keywordCluster.update({ where: { id: cluster.id }, data: { mainKeywordId: kw.id } });
      clusters[main] = cluster.id;
    }
    // 230 posts: three pages of 100; the matching ones on the last page.
    site.wp.posts.push(
      ...Array.from({ length: 227 }, (_, i) => ({ id: i + 1, title: `Filler post ${i}`, slug: `filler-${i}` })),
      { id: 1001, title: 'Best Trail Running  Shoes', slug: 'our-picks' },
      { id: 1002, title: 'Lacing, explained', slug: 'how-to-lace-shoes' },
      { id: 1003, title: 'My 12-week Marathon Training plan', slug: 'plan', status: 'draft' },
    );
    site.wp.pages.push({ id: 5000, title: 'About us', slug: 'about' });

    const job = await sync();
    expect(job.result).toEqual({ posts: 231, removed: 0, cannibalizedClusters: 3 });
    const listPaths = site.received.filter((r) => r.path.startsWith('/wp-json/wp/v2/')).map((r) => r.path);
    expect(listPaths.filter((p) => p.includes('/posts'))).toHaveLength(3);
    expect(listPaths.filter((p) => p.includes('/pages'))).toHaveLength(1);

    const flag = async (main: string) =>
      (await t.db.prisma.keywordCluster.findUniqueOrThrow({ where: { id: clusters[main]! } })).cannibalizes as {
        wpPostId: number;
      } | null;
    expect(await flag('best trail running shoes')).toMatchObject({ wpPostId: 1001, slug: 'our-picks' });
    expect(await flag('how to lace shoes')).toMatchObject({ wpPostId: 1002 });
    expect(await flag('marathon training')).toMatchObject({ wpPostId: 1003 });
    expect(await flag('zebra socks')).toBeNull();

    // Pages of 100 by WordPress id.
    const first = (await get(`/api/v1/planner/sites/${siteId}/posts?limit=200`)).json().data;
    expect(first.items).toHaveLength(200);
    const rest = (await get(`/api/v1/planner/sites/${siteId}/posts?limit=200&cursor=${first.nextCursor}`)).json().data;
    expect(rest.items.map((p: { wpPostId: number }) => p.wpPostId)).toEqual([
      ...Array.from({ length: 27 }, (_, i) => 201 + i),
      1001,
      1002,
      1003,
      5000,
    ]);
    expect(rest.nextCursor).toBeNull();
    expect(rest.items.find((p: { wpPostId: number }) => p.wpPostId === 5000)).toMatchObject({
      type: 'page',
      title: 'About us',
      url: `${site.url}/about/`,
      status: 'publish',
    });

    // The exact-title post is deleted on the site: its copy goes and the flag clears.
    site.wp.posts.splice(
      site.wp.posts.findIndex((p) => p.id === 1001),
      1,
    );
    const again = await sync();
    expect(again.result).toEqual({ posts: 230, removed: 1, cannibalizedClusters: 2 });
    expect(await flag('best trail running shoes')).toBeNull();
    expect(await t.db.prisma.sitePost.count({ where: { siteId } })).toBe(230);
  });

  it("answers 409 for a site never connected and 404 for another account's site", async () => {
    const res = await send('POST', `/api/v1/planner/sites/${where.siteId}/posts/sync`);
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatch(/not connected to WordPress/);
    expect((await send('POST', `/api/v1/planner/sites/${siteId}/posts/sync`, undefined, other)).statusCode).toBe(404);
    expect((await get(`/api/v1/planner/sites/${siteId}/posts`, other)).statusCode).toBe(404);
  });
});
