import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { FakeSite } from '../helpers/fake-site.ts';
import { addMember, createApiKey, registerOwner, type Member } from '../helpers/users.ts';

let t: TestContext;
let owner: Member;
beforeAll(async () => {
  t = await createTestApp();
  owner = await registerOwner(t.app);
});
afterAll(() => t?.close());

async function createSite(member: Member, body: Record<string, unknown>) {
  return t.app.inject({ method: 'POST', url: '/api/v1/sites', headers: member.headers, payload: body });
}

describe('sites', () => {
  it('creates, reads, updates and deletes a site with normalized URL', async () => {
    const created = await createSite(owner, {
      name: 'Garden blog',
      url: 'https://Garden.Example.com/blog/?utm=x#top',
      language: 'de',
      timezone: 'Europe/Berlin',
    });
    expect(created.statusCode).toBe(201);
    const site = created.json().data;
    expect(site).toMatchObject({
      url: 'https://garden.example.com/blog',
      language: 'de',
      timezone: 'Europe/Berlin',
      sectorCount: 0,
    });

    const got = await t.app.inject({ method: 'GET', url: `/api/v1/sites/${site.id}`, headers: owner.headers });
    expect(got.json().data.name).toBe('Garden blog');

    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/sites/${site.id}`,
      headers: owner.headers,
      payload: { name: 'Garden journal' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().data.name).toBe('Garden journal');

    const dup = await createSite(owner, { name: 'Again', url: 'https://garden.example.com/blog/' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('SITE_URL_TAKEN');

    const deleted = await t.app.inject({ method: 'DELETE', url: `/api/v1/sites/${site.id}`, headers: owner.headers });
    expect(deleted.statusCode).toBe(200);
    const gone = await t.app.inject({ method: 'GET', url: `/api/v1/sites/${site.id}`, headers: owner.headers });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error).toContain(site.id);
  });

  it('refuses bad input naming the field, and writes nothing', async () => {
    const before = await t.db.prisma.site.count();
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'A', url: 'ftp://example.com' }, 'url'],
      [{ name: 'A', url: 'https://a.example.com', timezone: 'Mars/Olympus' }, 'timezone'],
      [{ name: 'A', url: 'https://a.example.com', language: 'english!' }, 'language'],
      [{ name: 'A', url: 'https://a.example.com', owner: 'me' }, ''],
      [{ name: 42, url: 'https://a.example.com' }, 'name'],
    ];
    for (const [body, field] of cases) {
      const res = await createSite(owner, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(422);
      expect(res.json().code).toBe('VALIDATION_FAILED');
      const fields = res.json().details.fields as { field: string; message: string }[];
      expect(
        fields.some((f) => f.field === field),
        JSON.stringify(fields),
      ).toBe(true);
    }
    expect(await t.db.prisma.site.count()).toBe(before);
  });

  it('pages through sites with a cursor, newest first', async () => {
    const other = await registerOwner(t.app);
    for (let i = 0; i < 5; i++) await createSite(other, { name: `Site ${i}`, url: `https://s${i}.example.com` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/sites?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await t.app.inject({ method: 'GET', url, headers: other.headers });
      const page = res.json().data;
      seen.push(...page.items.map((s: { name: string }) => s.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['Site 4', 'Site 3', 'Site 2', 'Site 1', 'Site 0']);
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/sites?cursor=nonsense', headers: other.headers });
    expect(bad.statusCode).toBe(400);
  });
});

describe('site addresses the server may never call', () => {
  const forbidden = [
    ['http://127.0.0.1:8881', 'points to this machine (a loopback address)'],
    ['http://localhost:8080', 'points to this machine (a loopback address)'],
    ['http://[::1]', 'points to this machine (a loopback address)'],
    ['http://169.254.169.254', 'points to a link-local or cloud metadata address'],
    ['http://metadata.google.internal', 'points to a cloud metadata service'],
    ['http://10.1.2.3', 'points to a private network address'],
    ['http://2130706433', 'points to this machine (a loopback address)'],
  ] as const;

  it('are refused at creation and on change, with the message of the connection handshake', async () => {
    for (const [url, reason] of forbidden) {
      const created = await createSite(owner, { name: 'Internal', url });
      expect(created.statusCode, url).toBe(422);
      expect(created.json()).toMatchObject({ code: 'SITE_URL_FORBIDDEN', details: { field: 'url' } });
      expect(created.json().error).toContain(reason);
      // The handshake (POST /connect/register) judges the same address with the same words.
      const handshake = await t.app.inject({
        method: 'POST',
        url: '/api/v1/connect/register',
        payload: new FakeSite().registerBody(`igny8ck_${'k'.repeat(40)}`, { siteUrl: url, restUrl: `${url}/wp-json/` }),
      });
      expect(handshake.json()).toMatchObject({ code: 'SITE_URL_FORBIDDEN', error: created.json().error });
    }
    expect(await t.db.prisma.site.count({ where: { accountId: owner.accountId, name: 'Internal' } })).toBe(0);

    const site = (await createSite(owner, { name: 'Moving', url: 'https://moving.example.com' })).json().data;
    const moved = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/sites/${site.id}`,
      headers: owner.headers,
      payload: { url: 'http://169.254.169.254/latest' },
    });
    expect(moved.statusCode).toBe(422);
    expect(moved.json().error).toBe(
      'The site address cannot be used: 169.254.169.254 points to a link-local or cloud metadata address; use a ' +
        'public address.',
    );
    const kept = await t.db.prisma.site.findUniqueOrThrow({ where: { id: site.id } });
    expect(kept.url).toBe('https://moving.example.com');
  });

  it('keeps names that do not resolve yet: saving calls nothing, and every call vets the name again', async () => {
    const res = await createSite(owner, { name: 'Not live yet', url: 'https://not-live-yet.unresolvable.example' });
    expect(res.statusCode).toBe(201);
  });

  it('allows loopback and private networks in development, never cloud metadata', async () => {
    const dev = await createTestApp({ ALLOW_PRIVATE_SITE_URLS: 'true' });
    try {
      const devOwner = await registerOwner(dev.app);
      const create = (url: string) =>
        dev.app.inject({
          method: 'POST',
          url: '/api/v1/sites',
          headers: devOwner.headers,
          payload: { name: 'D', url },
        });
      expect((await create('http://127.0.0.1:8881')).statusCode).toBe(201);
      expect((await create('http://10.1.2.3')).statusCode).toBe(201);
      expect((await create('http://169.254.169.254')).json().code).toBe('SITE_URL_FORBIDDEN');
    } finally {
      await dev.close();
    }
  });
});

describe('sectors', () => {
  it('manages sectors of a site; the language falls back to the site', async () => {
    const site = (await createSite(owner, { name: 'Shop', url: 'https://shop.example.com', language: 'fr' })).json()
      .data;
    const base = `/api/v1/sites/${site.id}/sectors`;
    const created = await t.app.inject({
      method: 'POST',
      url: base,
      headers: owner.headers,
      payload: { name: 'Shoes', voice: 'Playful, short sentences' },
    });
    expect(created.statusCode).toBe(201);
    const sector = created.json().data;
    expect(sector).toMatchObject({ language: null, effectiveLanguage: 'fr', voice: 'Playful, short sentences' });

    const dup = await t.app.inject({ method: 'POST', url: base, headers: owner.headers, payload: { name: 'Shoes' } });
    expect(dup.json().code).toBe('SECTOR_NAME_TAKEN');

    const patched = await t.app.inject({
      method: 'PATCH',
      url: `${base}/${sector.id}`,
      headers: owner.headers,
      payload: { language: 'en' },
    });
    expect(patched.json().data.effectiveLanguage).toBe('en');

    const list = await t.app.inject({ method: 'GET', url: base, headers: owner.headers });
    expect(list.json().data).toHaveLength(1);
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/v1/sites/${site.id}`, headers: owner.headers })).json().data
        .sectorCount,
    ).toBe(1);

    const del = await t.app.inject({ method: 'DELETE', url: `${base}/${sector.id}`, headers: owner.headers });
    expect(del.statusCode).toBe(200);
    expect(
      (await t.app.inject({ method: 'GET', url: `${base}/${sector.id}`, headers: owner.headers })).statusCode,
    ).toBe(404);
  });

  it('does not find a sector through another site of the same account', async () => {
    const a = (await createSite(owner, { name: 'A', url: 'https://a1.example.com' })).json().data;
    const b = (await createSite(owner, { name: 'B', url: 'https://b1.example.com' })).json().data;
    const sector = (
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/sites/${a.id}/sectors`,
        headers: owner.headers,
        payload: { name: 'X' },
      })
    ).json().data;
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/sites/${b.id}/sectors/${sector.id}`,
      headers: owner.headers,
    });
    expect(res.statusCode).toBe(404);
  });
});

describe('roles', () => {
  it('lets viewers read but not write; editors manage sectors but not sites', async () => {
    const site = (await createSite(owner, { name: 'Roles', url: 'https://roles.example.com' })).json().data;
    const viewer = await addMember(t.app, owner, 'viewer');
    const editor = await addMember(t.app, owner, 'editor');

    expect((await t.app.inject({ method: 'GET', url: '/api/v1/sites', headers: viewer.headers })).statusCode).toBe(200);
    const viewerWrite = await createSite(viewer, { name: 'No', url: 'https://no.example.com' });
    expect(viewerWrite.statusCode).toBe(403);
    expect(viewerWrite.json().code).toBe('ROLE_REQUIRED');
    const viewerSector = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sites/${site.id}/sectors`,
      headers: viewer.headers,
      payload: { name: 'No' },
    });
    expect(viewerSector.statusCode).toBe(403);

    expect((await createSite(editor, { name: 'No', url: 'https://no2.example.com' })).statusCode).toBe(403);
    const editorSector = await t.app.inject({
      method: 'POST',
      url: `/api/v1/sites/${site.id}/sectors`,
      headers: editor.headers,
      payload: { name: 'Yes' },
    });
    expect(editorSector.statusCode).toBe(201);
  });

  it("caps an API key at its creator's current role", async () => {
    const editor = await addMember(t.app, owner, 'editor');
    const key = await createApiKey(t.app, editor, ['sites:write']);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sites',
      headers: { authorization: `Bearer ${key}` },
      payload: { name: 'Via key', url: 'https://viakey.example.com' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('ROLE_REQUIRED');
  });
});
