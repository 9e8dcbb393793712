// At most 2 publishes per site at a time (pg-boss group concurrency, counted in the database across workers), and
// a busy site does not hold back another account's site. The sites are stand-ins at WordPress's network boundary
// (lookup, then a slow post create); the real WordPress is exercised in publish.test.ts.
import { createServer, type Server } from 'node:http';
import { generateKeyPair } from '@igny8/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobWorker } from '../../src/jobs/worker.ts';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { registerOwner, type Member } from '../helpers/users.ts';
import { finished, seedContent, startWorker } from './helpers.ts';

interface StandIn {
  server: Server;
  url: string;
  /** Publishes in progress (from the lookup until the post is answered) and the most seen at once. */
  active: number;
  maxActive: number;
  starts: number[];
  ends: number[];
}

async function standIn(postDelayMs: number): Promise<StandIn> {
  let nextId = 100;
  const site: StandIn = { server: undefined as never, url: '', active: 0, maxActive: 0, starts: [], ends: [] };
  site.server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = req.url ?? '';
      const send = (status: number, data: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(data));
      };
      if (req.method === 'GET' && url.includes('/igny8/v1/content/')) {
        site.active++;
        site.maxActive = Math.max(site.maxActive, site.active);
        site.starts.push(Date.now());
        return send(404, { code: 'igny8_not_found', message: 'No post.' });
      }
      if (req.method === 'POST' && url.includes('/wp/v2/posts')) {
        const id = nextId++;
        setTimeout(() => {
          site.active--;
          site.ends.push(Date.now());
          send(201, { id, status: 'publish', link: `${site.url}/?p=${id}`, featured_media: 0 });
        }, postDelayMs);
        return;
      }
      send(404, { code: 'rest_no_route' });
    });
  });
  await new Promise<void>((resolve) => site.server.listen(0, '127.0.0.1', resolve));
  site.url = `http://127.0.0.1:${(site.server.address() as { port: number }).port}`;
  return site;
}

let t: TestContext;
let worker: JobWorker;
const sites: StandIn[] = [];

beforeAll(async () => {
  t = await createTestApp({ ALLOW_PRIVATE_SITE_URLS: 'true' });
  worker = await startWorker(t, 10);
});

afterAll(async () => {
  await worker?.stop();
  await t?.close();
  for (const s of sites) await new Promise((resolve) => s.server.close(resolve));
});

async function connectedSite(member: Member, site: StandIn) {
  const key = generateKeyPair();
  const row = await t.db.prisma.site.create({
    data: { accountId: member.accountId, name: 'Stand-in', url: site.url, language: 'en', timezone: 'UTC' },
  });
  await t.db.prisma.siteConnection.create({
    data: {
      siteId: row.id,
      accountId: member.accountId,
      status: 'connected',
      restUrl: `${site.url}/wp-json/`,
      serverKeyId: key.keyId,
      serverPublicKey: key.publicKey,
      serverPrivateKeyEnc: t.box.encrypt(key.privateKey),
      publisherUsername: 'igny8-publisher',
      publisherPasswordEnc: t.box.encrypt('abcd efgh ijkl mnop'),
    },
  });
  const sector = await t.db.prisma.sector.create({
    data: { accountId: member.accountId, siteId: row.id, name: 'Main' },
  });
  return { siteId: row.id, sectorId: sector.id };
}

describe('publishing concurrency', () => {
  it('runs at most 2 publishes per site at once and does not hold back another account', async () => {
    const busy = await standIn(600);
    const quiet = await standIn(50);
    sites.push(busy, quiet);
    const a = await registerOwner(t.app, 'Busy');
    const b = await registerOwner(t.app, 'Quiet');
    const whereA = await connectedSite(a, busy);
    const whereB = await connectedSite(b, quiet);

    const contentsA = [];
    for (let i = 0; i < 5; i++) {
      contentsA.push(await seedContent(t, a, whereA, { featured: false, inlineImages: 0 }));
    }
    const contentB = await seedContent(t, b, whereB, { featured: false, inlineImages: 0 });

    // The worker is stopped while the jobs are queued, so all six wait together and the order of starts is the
    // queue's doing alone.
    await worker.stop();
    const jobs: string[] = [];
    for (const [member, content] of [...contentsA.map((c) => [a, c] as const), [b, contentB] as const]) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/publisher/contents/${content.contentId}/publish`,
        headers: member.headers,
        payload: { status: 'publish' },
      });
      expect(res.statusCode, res.body).toBe(202);
      jobs.push(res.json().data.jobId);
    }
    worker = await startWorker(t, 10);
    for (const id of jobs) expect((await finished(t, id)).status).toBe('succeeded');

    expect(busy.starts).toHaveLength(5);
    expect(busy.maxActive).toBe(2);
    // The other account's site was published while the busy site still had work queued.
    expect(quiet.ends[0]!).toBeLessThan(Math.max(...busy.ends));
    expect(quiet.starts[0]!).toBeLessThan(busy.starts[4]!);
    const published = await t.db.prisma.publication.findMany({ where: { siteId: whereA.siteId } });
    expect(published.map((p) => p.status)).toEqual(Array(5).fill('published'));
  });

  it("is fair across accounts: one account's burst does not hold back another account's publish", async () => {
    const burst = await standIn(300);
    const single = await standIn(50);
    sites.push(burst, single);
    const a = await registerOwner(t.app, 'Burst');
    const b = await registerOwner(t.app, 'Single');
    const whereA = await connectedSite(a, burst);
    const whereB = await connectedSite(b, single);
    const contentsA = [];
    for (let i = 0; i < 6; i++) contentsA.push(await seedContent(t, a, whereA, { featured: false, inlineImages: 0 }));
    const contentB = await seedContent(t, b, whereB, { featured: false, inlineImages: 0 });

    await worker.stop();
    const jobs: string[] = [];
    // Account A's six publishes are all queued before B's one.
    for (const [member, content] of [...contentsA.map((c) => [a, c] as const), [b, contentB] as const]) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/publisher/contents/${content.contentId}/publish`,
        headers: member.headers,
      });
      expect(res.statusCode, res.body).toBe(202);
      jobs.push(res.json().data.jobId);
    }
    // One job at a time: the order in which they start is the queue's order.
    worker = await startWorker(t, 1);
    for (const id of jobs) expect((await finished(t, id)).status).toBe('succeeded');
    expect(burst.starts).toHaveLength(6);
    // B's publish ran second (after A's first), not seventh.
    expect(single.starts[0]!).toBeGreaterThan(burst.starts[0]!);
    expect(single.starts[0]!).toBeLessThan(burst.starts[1]!);
  });
});
