import { connect } from 'node:net';
import { ZErrorEnvelope } from '@igny8/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from './helpers/app.ts';
import { listenOnTestPort } from './helpers/listen.ts';
import { withAdmin } from './helpers/postgres.ts';
import { registerOwner, type Member } from './helpers/users.ts';

/** The HTTP contract every route shares: envelope, request ids, bad input, failures, docs and security headers. */

let t: TestContext;
let owner: Member;
beforeAll(async () => {
  t = await createTestApp({ BODY_LIMIT_BYTES: '2048', CORS_ORIGINS: 'https://agency.example.com' });
  owner = await registerOwner(t.app);
});
afterAll(() => t?.close());

const post = (url: string, payload: string, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'POST',
    url,
    payload,
    headers: { 'content-type': 'application/json', ...owner.headers, ...headers },
  });

describe('request ids', () => {
  it('echoes a sane X-Request-ID and puts it in error bodies', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/sites',
      headers: { 'x-request-id': 'trace-abc.123' },
    });
    expect(res.headers['x-request-id']).toBe('trace-abc.123');
    expect(res.json().requestId).toBe('trace-abc.123');
  });

  it('replaces an unsafe one with its own', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/system/status',
      headers: { 'x-request-id': 'bad id\nwith newline' },
    });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('bad input is refused with a specific code, and nothing is written', () => {
  it('malformed JSON -> 400 MALFORMED_JSON', async () => {
    const before = await t.db.prisma.site.count();
    const res = await post('/api/v1/sites', '{"name": "A", "url": ');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ success: false, code: 'MALFORMED_JSON' });
    expect(await t.db.prisma.site.count()).toBe(before);
  });

  it('oversized body -> 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await post('/api/v1/sites', JSON.stringify({ name: 'x'.repeat(5000), url: 'https://big.example.com' }));
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('PAYLOAD_TOO_LARGE');
    expect(await t.db.prisma.site.count({ where: { url: 'https://big.example.com' } })).toBe(0);
  });

  it('unknown fields -> 422 naming them', async () => {
    const res = await post(
      '/api/v1/sites',
      JSON.stringify({ name: 'A', url: 'https://u.example.com', accountId: owner.accountId }),
    );
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('VALIDATION_FAILED');
    expect(res.json().error).toContain('accountId');
  });

  it('wrong types -> 422 naming each field', async () => {
    const res = await post('/api/v1/sites', JSON.stringify({ name: ['A'], url: 12 }));
    expect(res.statusCode).toBe(422);
    const fields = res
      .json()
      .details.fields.map((f: { field: string }) => f.field)
      .sort();
    expect(fields).toEqual(['name', 'url']);
  });

  it('bad path and query parameters -> 422 with where they were', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/sites/not-a-uuid', headers: owner.headers });
    expect(res.statusCode).toBe(422);
    expect(res.json().details.fields[0]).toMatchObject({ in: 'params', field: 'siteId' });
    const q = await t.app.inject({ method: 'GET', url: '/api/v1/jobs?status=exploded', headers: owner.headers });
    expect(q.statusCode).toBe(422);
    expect(q.json().details.fields[0]).toMatchObject({ in: 'query', field: 'status' });
  });

  it('a body in another media type -> 415', async () => {
    const res = await post('/api/v1/sites', 'name=A', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('an unknown route -> 404 ROUTE_NOT_FOUND in the envelope', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({
      success: false,
      code: 'ROUTE_NOT_FOUND',
      error: 'There is no route GET /api/v1/nothing-here.',
    });
  });
});

/** An error answer in the envelope: success false, a message, a stable code, and the request id of its header. */
function expectEnvelope(
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
  code: string,
) {
  expect(res.statusCode, res.body).toBe(status);
  const body = JSON.parse(res.body);
  expect(ZErrorEnvelope.safeParse(body).success, res.body).toBe(true);
  expect(body).toMatchObject({ success: false, code, error: expect.any(String) });
  expect(Object.keys(body).sort()).toEqual(
    body.details ? ['code', 'details', 'error', 'requestId', 'success'] : ['code', 'error', 'requestId', 'success'],
  );
  expect(body.requestId).toBe(res.headers['x-request-id']);
  expect(res.body).not.toMatch(/FST_|statusCode/);
}

/** Sends raw bytes and reads the answer until the server closes: for requests inject() cannot express. */
function rawRequest(
  port: number,
  bytes: string,
): Promise<{ statusCode: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = received.split('\r\n\r\n');
      const [status, ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      resolve({ statusCode: Number(status?.split(' ')[1]), headers, body });
    });
  });
}

describe('every answer is in the envelope, whatever layer produces it', () => {
  it('malformed URLs and over-long path parameters, with or without a token', async () => {
    for (const headers of [{}, owner.headers]) {
      const bad = await t.app.inject({ method: 'GET', url: '/api/v1/sites/%E0%A4%A', headers });
      expectEnvelope(bad, 400, 'MALFORMED_URL');
      const long = await t.app.inject({ method: 'GET', url: `/api/v1/sites/${'a'.repeat(101)}`, headers });
      expectEnvelope(long, 414, 'URL_TOO_LONG');
    }
    const badQuery = await t.app.inject({ method: 'GET', url: '/api/v1/jobs?status=%E0%A4%A', headers: owner.headers });
    expect(badQuery.statusCode).toBeLessThan(500);
    expectEnvelope(badQuery, badQuery.statusCode, badQuery.json().code);
  });

  it('methods a route does not take answer 405 naming the ones it does', async () => {
    const del = await t.app.inject({ method: 'DELETE', url: '/api/v1/sites', headers: owner.headers });
    expectEnvelope(del, 405, 'METHOD_NOT_ALLOWED');
    expect(del.headers.allow).toBe('GET, HEAD, POST');
    const put = await t.app.inject({ method: 'PUT', url: '/api/v1/auth/login', payload: {} });
    expectEnvelope(put, 405, 'METHOD_NOT_ALLOWED');
    expect(put.json().error).toBe('PUT is not allowed on /api/v1/auth/login: use POST.');
    const propfind = await t.app.inject({ method: 'PROPFIND', url: `/api/v1/sites/${owner.accountId}` });
    expectEnvelope(propfind, 405, 'METHOD_NOT_ALLOWED');
    expectEnvelope(await t.app.inject({ method: 'PATCH', url: '/api/v1/nothing-here' }), 404, 'ROUTE_NOT_FOUND');
  });

  it('bad bodies and content types', async () => {
    // text/plain is read as a string, which is no site.
    expectEnvelope(await post('/api/v1/sites', 'name=A', { 'content-type': 'text/plain' }), 422, 'VALIDATION_FAILED');
    expectEnvelope(
      await post('/api/v1/sites', 'name=A', { 'content-type': 'multipart/form-data; boundary=x' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expectEnvelope(
      await post('/api/v1/sites', 'x', { 'content-type': 'application/xml' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expectEnvelope(await post('/api/v1/sites', '{"name": '), 400, 'MALFORMED_JSON');
    expectEnvelope(await post('/api/v1/sites', ''), 400, 'MALFORMED_JSON');
    const proto = await post(
      '/api/v1/sites',
      '{"__proto__": {"admin": true}, "name": "A", "url": "https://p.example"}',
    );
    expect(proto.statusCode).toBe(400);
    expectEnvelope(proto, 400, proto.json().code);
    expectEnvelope(await post('/api/v1/sites', JSON.stringify({ name: 'x'.repeat(5000) })), 413, 'PAYLOAD_TOO_LARGE');
    expectEnvelope(await post('/api/v1/sites', '[]'), 422, 'VALIDATION_FAILED');
  });

  it('missing and broken credentials', async () => {
    expectEnvelope(await t.app.inject({ method: 'GET', url: '/api/v1/sites' }), 401, 'UNAUTHENTICATED');
    const broken = await t.app.inject({
      method: 'GET',
      url: '/api/v1/sites',
      headers: { authorization: 'Bearer x.y.z' },
    });
    expectEnvelope(broken, 401, broken.json().code);
  });

  it("requests Node's HTTP parser refuses: an unknown method, oversized headers", async () => {
    const server = await createTestApp();
    try {
      const port = await listenOnTestPort(server.app);
      const unknown = await rawRequest(port, 'FOO /api/v1/sites HTTP/1.1\r\nHost: igny8.test\r\n\r\n');
      expectEnvelope(unknown, 400, 'BAD_REQUEST');
      const huge = await rawRequest(
        port,
        `GET /api/v1/sites HTTP/1.1\r\nHost: igny8.test\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      );
      expectEnvelope(huge, 431, 'HEADERS_TOO_LARGE');
      const badUrl = await rawRequest(
        port,
        'GET /api/v1/sites/%E0%A4%A HTTP/1.1\r\nHost: igny8.test\r\nConnection: close\r\n\r\n',
      );
      expectEnvelope(badUrl, 400, 'MALFORMED_URL');
    } finally {
      await server.close();
    }
  });
});

describe('documentation', () => {
  it('serves OpenAPI 3 generated from the zod schemas, covering every route', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const route of t.app.routeCatalog.filter((r) => r.url !== '/api/v1/openapi.json')) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      expect(doc.paths[path]?.[route.method.toLowerCase()], `${route.method} ${path}`).toBeDefined();
    }
    const createSite = doc.paths['/api/v1/sites'].post;
    const schema = createSite.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'url']));
    expect(doc.components.securitySchemes.bearer.scheme).toBe('bearer');
  });

  it('serves a docs page at /docs', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('swagger');
  });
});

describe('security headers, CORS and rate limits', () => {
  it('sets helmet headers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/system/status' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['content-security-policy']).toBeDefined();
  });

  it('allows only configured origins', async () => {
    const allowed = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/sites',
      headers: { origin: 'https://agency.example.com', 'access-control-request-method': 'GET' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://agency.example.com');
    const other = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/sites',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'GET' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('login rate limit', () => {
  it('answers 429 RATE_LIMITED with retry-after once the limit is hit', async () => {
    const limited = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const attempt = () =>
        limited.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: 'a@example.com', password: 'nope nope' },
        });
      for (let i = 0; i < 3; i++) expect((await attempt()).statusCode).toBe(401);
      const res = await attempt();
      expect(res.statusCode).toBe(429);
      expect(res.json()).toMatchObject({ success: false, code: 'RATE_LIMITED' });
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});

describe('failures', () => {
  it('an unexpected error answers 500 without stack, SQL or internals', async () => {
    await t.db.prisma.$executeRawUnsafe('ALTER TABLE "Sector" RENAME TO "Sector_gone"');
    try {
      const site = await t.app.inject({
        method: 'POST',
        url: '/api/v1/sites',
        headers: owner.headers,
        payload: { name: 'S', url: 'https://s500.example.com' },
      });
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/sites/${site.json().data?.id ?? owner.accountId}/sectors`,
        headers: owner.headers,
      });
      expect(res.statusCode).toBe(500);
      const body = res.json();
      expect(body).toMatchObject({ success: false, code: 'INTERNAL_ERROR' });
      expect(body.error).toContain(body.requestId);
      expect(res.body).not.toMatch(/Sector|SELECT|prisma|at .*\.ts/i);
    } finally {
      await t.db.prisma.$executeRawUnsafe('ALTER TABLE "Sector_gone" RENAME TO "Sector"');
    }
  });

  it('status answers 503 when the database is down, and 200 again when it is back', async () => {
    const ok = await t.app.inject({ method: 'GET', url: '/api/v1/system/status' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().data.database).toMatchObject({ status: 'ok', mode: 'postgres' });
    await withAdmin(async (c) => {
      await c.query(`ALTER DATABASE ${t.database.name} ALLOW_CONNECTIONS false`);
      await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [t.database.name]);
    });
    try {
      const down = await t.app.inject({ method: 'GET', url: '/api/v1/system/status' });
      expect(down.statusCode).toBe(503);
      expect(down.json().data).toMatchObject({
        status: 'down',
        database: { status: 'down' },
        queue: { status: 'down' },
      });
    } finally {
      await withAdmin((c) => c.query(`ALTER DATABASE ${t.database.name} ALLOW_CONNECTIONS true`));
    }
    const back = await t.app.inject({ method: 'GET', url: '/api/v1/system/status' });
    expect(back.statusCode).toBe(200);
  });
});
