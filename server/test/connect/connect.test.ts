import { createHmac } from 'node:crypto';
import { generateKeyPair } from '@igny8/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { FakeSite } from '../helpers/fake-site.ts';
import { registerOwner, type Member } from '../helpers/users.ts';

let t: TestContext;
let owner: Member;
let site: FakeSite;

beforeAll(async () => {
  t = await createTestApp({ ALLOW_PRIVATE_SITE_URLS: 'true' });
  owner = await registerOwner(t.app);
  site = await new FakeSite().start();
});
afterAll(async () => {
  await site?.close();
  await t?.close();
});

async function connectionKey(member = owner): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/connection-keys', headers: member.headers });
  expect(res.statusCode).toBe(201);
  return res.json().data.key;
}

const register = (body: object) => t.app.inject({ method: 'POST', url: '/api/v1/connect/register', payload: body });

/** A signed request from the fake site to the server. */
function fromSite(
  path: string,
  payload: object,
  options: Parameters<FakeSite['sign']>[3] & { tamper?: (r: { url: string; body: string }) => void } = {},
) {
  const body = JSON.stringify(payload);
  const headers = site.sign('POST', `http://localhost:80${path}`, body, options);
  const request = { url: path, body };
  options.tamper?.(request);
  return t.app.inject({
    method: 'POST',
    url: request.url,
    payload: request.body,
    headers: { ...headers, 'content-type': 'application/json' },
  });
}

describe('connecting a site', () => {
  it('refuses a key that does not exist, without calling the site', async () => {
    const res = await register(site.registerBody('igny8ck_' + 'x'.repeat(43)));
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('CONNECTION_KEY_INVALID');
    expect(site.received).toHaveLength(0);
  });

  it('refuses when the site cannot answer the callback with the right secret', async () => {
    const key = await connectionKey();
    const res = await register(site.registerBody(key, { secret1: 'a-secret-the-site-never-issued-aaaaaaaaaaaa' }));
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('SITE_VERIFICATION_FAILED');
    expect(await t.db.prisma.siteConnection.count()).toBe(0);
  });

  it('refuses a REST URL on another host than the site', async () => {
    const res = await register(site.registerBody(await connectionKey(), { restUrl: 'http://127.0.0.2:9/wp-json/' }));
    expect(res.json().code).toBe('SITE_URL_MISMATCH');
  });

  it('verifies the site by calling it back, exchanges keys, and creates the site', async () => {
    const key = await connectionKey();
    const res = await register(site.registerBody(key));
    expect(res.statusCode).toBe(201);
    const data = res.json().data;
    expect(data).toMatchObject({ accountId: owner.accountId, serverKeyId: expect.stringMatching(/^[0-9a-f]{16}$/) });
    site.accept(data);
    expect(site.received.at(-1)).toMatchObject({ path: '/wp-json/igny8/v1/connect/verify' });

    const stored = await t.db.prisma.siteConnection.findUniqueOrThrow({ where: { siteId: data.siteId } });
    expect(stored.publisherPasswordEnc).not.toContain('abcd efgh');
    expect(t.box.decrypt(stored.publisherPasswordEnc!)).toBe('abcd efgh ijkl mnop qrst uvwx');
    const serverPrivateKey = t.box.decrypt(stored.serverPrivateKeyEnc!);
    expect(serverPrivateKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(stored.serverPrivateKeyEnc).not.toContain(serverPrivateKey);

    const sites = await t.app.inject({ method: 'GET', url: '/api/v1/sites', headers: owner.headers });
    expect(sites.json().data.items[0]).toMatchObject({
      id: data.siteId,
      url: site.url,
      name: 'Fake Blog',
      language: 'en-US',
      timezone: 'Europe/Berlin',
      connection: { status: 'connected', wpVersion: '6.1.9', pluginVersion: '0.1.0', health: 'ok' },
    });

    const again = await register(site.registerBody(key));
    expect(again.statusCode).toBe(401);
    expect(again.json().code).toBe('CONNECTION_KEY_INVALID');
  });

  it('refuses an expired connection key', async () => {
    const key = await connectionKey();
    await t.db.prisma.connectionKey.updateMany({
      where: { usedAt: null },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const res = await register(site.registerBody(key));
    expect(res.json().code).toBe('CONNECTION_KEY_INVALID');
  });

  it('refuses site addresses on private networks unless development allows them', async () => {
    const strict = await createTestApp();
    try {
      const strictOwner = await registerOwner(strict.app);
      const key = (
        await strict.app.inject({ method: 'POST', url: '/api/v1/connection-keys', headers: strictOwner.headers })
      ).json().data.key;
      for (const url of [
        'http://127.0.0.1:8881',
        'http://[::1]:8080',
        'http://169.254.169.254',
        'http://10.1.2.3',
        'http://2130706433',
      ]) {
        const res = await strict.app.inject({
          method: 'POST',
          url: '/api/v1/connect/register',
          payload: site.registerBody(key, { siteUrl: url, restUrl: `${url}/wp-json/` }),
        });
        expect(res.json().code, url).toBe('SITE_URL_FORBIDDEN');
      }
    } finally {
      await strict.close();
    }
  });
});

describe('signed requests from the site', () => {
  it('accepts a signed heartbeat and answers the account', async () => {
    const res = await fromSite('/api/v1/connect/heartbeat', { wpVersion: '6.1.10', pluginVersion: '0.1.1' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data).toMatchObject({
      siteId: site.siteId,
      accountName: "Owner's agency",
      credits: { balance: 0 },
    });
    await t.db.prisma.creditLedgerEntry.create({ data: { accountId: owner.accountId, kind: 'grant', amount: 500 } });
    const after = await fromSite('/api/v1/connect/heartbeat', {});
    expect(after.json().data.credits).toEqual({ balance: 500 });
    const stored = await t.db.prisma.siteConnection.findUniqueOrThrow({ where: { siteId: site.siteId! } });
    expect(stored.wpVersion).toBe('6.1.10');
  });

  it('refuses a replayed request', async () => {
    const nonce = 'replay-nonce-0123456789';
    expect((await fromSite('/api/v1/connect/heartbeat', {}, { nonce })).statusCode).toBe(200);
    const replay = await fromSite('/api/v1/connect/heartbeat', {}, { nonce });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('SIGNATURE_REPLAYED');
  });

  it('refuses a timestamp 301 s off, either way', async () => {
    for (const offset of [-301, 301]) {
      const res = await fromSite(
        '/api/v1/connect/heartbeat',
        {},
        { timestamp: Math.floor(Date.now() / 1000) + offset },
      );
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('SIGNATURE_EXPIRED');
    }
  });

  it('refuses any change to the body, path or query', async () => {
    const tampers: ((r: { url: string; body: string }) => void)[] = [
      (r) => (r.body = r.body.replace('6.1.9', '6.1.8')),
      (r) => (r.body = r.body + ' '),
      (r) => (r.url = r.url + '?x=1'),
      (r) => (r.url = '/api/v1/connect/rotate-key'),
    ];
    for (const tamper of tampers) {
      const res = await fromSite('/api/v1/connect/heartbeat', { wpVersion: '6.1.9' }, { tamper });
      expect(res.statusCode, tamper.toString()).toBe(401);
      expect(res.json().code).toMatch(/^SIGNATURE_INVALID$/);
    }
    const signedWithQuery = site.sign('POST', 'http://localhost:80/api/v1/connect/heartbeat?a=1', '{}');
    const changedQuery = await t.app.inject({
      method: 'POST',
      url: '/api/v1/connect/heartbeat?a=2',
      payload: '{}',
      headers: { ...signedWithQuery, 'content-type': 'application/json' },
    });
    expect(changedQuery.statusCode).toBe(401);
  });

  it('ignores an algorithm named by the request', async () => {
    // An HMAC "signature" with the site's public key as secret, announced as HS256: the classic confusion attack.
    const body = '{}';
    const headers = site.sign('POST', 'http://localhost:80/api/v1/connect/heartbeat', body);
    const forged = createHmac('sha256', site.key.publicKey).update('anything').digest('base64url').padEnd(86, 'A');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/connect/heartbeat',
      payload: body,
      headers: {
        ...headers,
        'x-igny8-signature': forged,
        'x-igny8-alg': 'HS256',
        alg: 'none',
        'content-type': 'application/json',
      },
    });
    expect(res.statusCode).toBe(401);
    const genuine = await t.app.inject({
      method: 'POST',
      url: '/api/v1/connect/heartbeat',
      payload: body,
      headers: {
        ...site.sign('POST', 'http://localhost:80/api/v1/connect/heartbeat', body),
        'x-igny8-alg': 'none',
        'content-type': 'application/json',
      },
    });
    expect(genuine.statusCode).toBe(200);
  });

  it('refuses requests from a cloned copy at another URL', async () => {
    const body = '{}';
    const { signRequest } = await import('@igny8/shared');
    const headers = signRequest(
      {
        method: 'POST',
        url: 'http://localhost:80/api/v1/connect/heartbeat',
        body,
        siteId: site.siteId!,
        siteUrl: 'http://staging.example.com',
      },
      site.key,
    );
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/connect/heartbeat',
      payload: body,
      headers: { ...headers, 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(401);
  });

  it('rotates the site key: the old key stops working', async () => {
    const oldKey = site.key;
    const next = generateKeyPair();
    const res = await fromSite('/api/v1/connect/rotate-key', { newPublicKey: next.publicKey, newKeyId: next.keyId });
    expect(res.statusCode, res.body).toBe(200);
    (site as { key: typeof next }).key = next;
    expect((await fromSite('/api/v1/connect/heartbeat', {})).statusCode).toBe(200);
    const withOld = await fromSite('/api/v1/connect/heartbeat', {}, { key: oldKey });
    expect(withOld.statusCode).toBe(401);
  });
});

describe('server to site', () => {
  it('checks health over a signed request and records versions', async () => {
    const view = await t.connect.checkHealth(owner.accountId, site.siteId!);
    expect(view).toMatchObject({ health: 'ok', phpVersion: '8.2.0', wpVersion: '6.1.9' });
    expect(site.received.at(-1)).toMatchObject({ path: '/wp-json/igny8/v1/status', signed: true });
  });

  it('rotates the server key: the site gets the new key signed with the old one', async () => {
    const before = site.serverKeyId;
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sites/${site.siteId}/connection/rotate`,
      headers: owner.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data.serverKeyId).not.toBe(before);
    expect(site.serverKeyId).toBe(res.json().data.serverKeyId);
    expect((await t.connect.checkHealth(owner.accountId, site.siteId!)).health).toBe('ok');
  });

  it('starts a health check as a job', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sites/${site.siteId}/connection/check`,
      headers: owner.headers,
    });
    expect(res.statusCode).toBe(202);
    expect(res.json().data.pollUrl).toBe(`/api/v1/jobs/${res.json().data.jobId}`);
  });

  it('shows the connection without key material', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/sites/${site.siteId}/connection`,
      headers: owner.headers,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toMatchObject({ status: 'connected', publisherUsername: 'igny8-publisher' });
    expect(res.body).not.toMatch(/PrivateKey|Password|abcd efgh/);
  });

  it('disconnects from the server side: the site is told, and its signatures stop working', async () => {
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/sites/${site.siteId}/connection`,
      headers: owner.headers,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toMatchObject({ siteNotified: true, connection: { status: 'disconnected' } });
    expect(site.received.at(-1)).toMatchObject({ path: '/wp-json/igny8/v1/disconnect', signed: true });
    const after = await fromSite('/api/v1/connect/heartbeat', {});
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('SITE_NOT_CONNECTED');
  });
});
