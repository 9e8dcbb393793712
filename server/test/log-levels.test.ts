import { connect } from 'node:net';
import { Writable } from 'node:stream';
import type { InjectOptions } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggerOptions } from '../src/logger.ts';
import { createTestApp, type TestContext } from './helpers/app.ts';
import { listenOnTestPort } from './helpers/listen.ts';
import { eventually } from './helpers/processes.ts';
import { registerOwner, type Member } from './helpers/users.ts';

/**
 * Error-level log lines page someone, so they are kept for real failures. Client mistakes and hang-ups are expected
 * traffic: they are answered (4xx, in the envelope) and logged at info, without a stack.
 */

interface LogLine {
  level: number;
  msg: string;
  err?: { stack?: string };
  res?: { statusCode?: number };
  [key: string]: unknown;
}

let t: TestContext;
let port: number;
let owner: Member;
let raw = '';
const lines = (): LogLine[] =>
  raw
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogLine);
/** Error-level lines (pino: 50 error, 60 fatal). */
const errorLines = () => lines().filter((l) => l.level >= 50);

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      raw += chunk.toString();
      done();
    },
  });
  // The production logger options at the most verbose level, so every line the app could write is seen.
  t = await createTestApp({ BODY_LIMIT_BYTES: '2048' }, { logger: pino(loggerOptions('trace'), sink) });
  port = await listenOnTestPort(t.app);
  owner = await registerOwner(t.app);
});
afterAll(() => t?.close());

/** Sends `bytes`, then closes the socket without waiting for an answer. */
function sendAndHangUp(bytes: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(bytes, () => setTimeout(() => socket.destroy(), 50));
    });
    socket.on('error', reject);
    socket.on('close', () => resolve());
  });
}

const ABORTED = 'client closed the connection before the request was complete';

/**
 * Waits until the request to `url` sent after line `before` has ended in the log (answered, or seen to be abandoned),
 * and returns every line since `before`.
 */
async function settled(before: number, url: string): Promise<LogLine[]> {
  await eventually(async () => {
    const since = lines().slice(before);
    const reqId = since.find((l) => l.msg === 'incoming request' && (l.req as { url?: string })?.url === url)?.reqId;
    return (
      reqId !== undefined && since.some((l) => l.reqId === reqId && [ABORTED, 'request completed'].includes(l.msg))
    );
  }, 10_000);
  // Node's HTTP parser reports the connection ending mid-body on its own, a moment later: by the time the server
  // has let go of the connection.
  await eventually(
    () => new Promise<boolean>((resolve) => t.app.server.getConnections((error, count) => resolve(!error && !count))),
    10_000,
    20,
  );
  return lines().slice(before);
}

describe('log levels', () => {
  it('logs a client that hangs up mid-body at info, without a stack, and never as a 500', async () => {
    const before = lines().length;
    // Content-Length: 100, then 8 bytes, then the socket closes.
    await sendAndHangUp(
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: igny8.test\r\nContent-Type: application/json\r\n' +
        'Content-Length: 100\r\n\r\n{"email"',
    );
    const since = await settled(before, '/api/v1/auth/login');
    const aborts = since.filter((l) => l.msg === ABORTED);
    // The body parser saw its stream end early; Node's HTTP parser may report the connection ending mid-body too.
    expect(aborts.map((l) => l.code)).toContain('ECONNRESET');
    for (const line of aborts) expect([line.level, line.err]).toEqual([30, undefined]);
    expect(JSON.stringify(since)).not.toContain('    at ');
    const afterwards = lines().slice(before);
    expect(afterwards.filter((l) => l.level >= 50)).toEqual([]);
    expect(afterwards.some((l) => l.res?.statusCode === 500)).toBe(false);
  });

  it('logs an upload cut short at info too', async () => {
    const site = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/sites',
        headers: owner.headers,
        payload: { name: 'Uploads', url: 'https://uploads.example.com' },
      })
    ).json().data;
    const sector = (
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/sites/${site.id}/sectors`,
        headers: owner.headers,
        payload: { name: 'Shoes' },
      })
    ).json().data;
    const before = lines().length;
    const boundary = 'igny8boundary';
    const field = (name: string, value: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    await sendAndHangUp(
      `POST /api/v1/planner/keywords/import HTTP/1.1\r\nHost: igny8.test\r\nAuthorization: ${owner.headers.authorization}\r\n` +
        `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 100000\r\n\r\n` +
        field('siteId', site.id) +
        field('sectorId', sector.id) +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="k.csv"\r\n\r\nkeyword\nfirst`,
    );
    const since = await settled(before, '/api/v1/planner/keywords/import');
    // Where the hang-up surfaces depends on timing (reading the fields, or streaming the file): never above info.
    for (const line of since.filter((l) => l.msg === ABORTED)) expect([line.level, line.err]).toEqual([30, undefined]);
    expect(since.some((l) => l.res?.statusCode === 500)).toBe(false);
    // The bearer token of the upload never reaches a log line, even at trace (the multipart plugin logs headers).
    expect(raw).not.toContain(owner.accessToken);
    expect(errorLines()).toEqual([]);
  });

  it('writes no error-level line for any client mistake', async () => {
    const inject = (options: InjectOptions) => t.app.inject(options);
    const json = { 'content-type': 'application/json', ...owner.headers };
    const answers = await Promise.all([
      inject({ method: 'GET', url: '/api/v1/sites/%E0%A4%A' }),
      inject({ method: 'GET', url: `/api/v1/sites/${'a'.repeat(101)}`, headers: owner.headers }),
      inject({ method: 'DELETE', url: '/api/v1/sites', headers: owner.headers }),
      inject({ method: 'GET', url: '/api/v1/nothing-here' }),
      inject({ method: 'POST', url: '/api/v1/sites', headers: json, payload: '{"name": ' }),
      inject({ method: 'POST', url: '/api/v1/sites', headers: json, payload: JSON.stringify({ n: 'x'.repeat(5000) }) }),
      inject({
        method: 'POST',
        url: '/api/v1/sites',
        headers: { ...json, 'content-type': 'application/xml' },
        payload: '<a/>',
      }),
      inject({ method: 'POST', url: '/api/v1/sites', headers: json, payload: '{"__proto__": {"x": 1}}' }),
      inject({ method: 'GET', url: '/api/v1/sites/not-a-uuid', headers: owner.headers }),
      inject({ method: 'GET', url: '/api/v1/sites', headers: { authorization: 'Bearer nope' } }),
      inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: owner.email, password: 'wrong password' },
      }),
    ]);
    for (const answer of answers) expect(answer.statusCode, answer.body).toBeLessThan(500);
    await sendAndHangUp('FOO / HTTP/1.1\r\nHost: igny8.test\r\n\r\n');
    await sendAndHangUp(`GET / HTTP/1.1\r\nHost: igny8.test\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(errorLines()).toEqual([]);
  });

  it('still logs a real failure at error level, with its stack', async () => {
    await t.db.prisma.$executeRawUnsafe('ALTER TABLE "Site" RENAME TO "Site_gone"');
    try {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/sites', headers: owner.headers });
      expect(res.statusCode).toBe(500);
    } finally {
      await t.db.prisma.$executeRawUnsafe('ALTER TABLE "Site_gone" RENAME TO "Site"');
    }
    const failures = errorLines();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ msg: 'unhandled error', err: { stack: expect.stringContaining('    at ') } });
  });
});
