import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { eventually } from '../helpers/processes.ts';
import { registerOwner, type Member } from '../helpers/users.ts';
import { failedAttempt, startAttempt } from '../../src/modules/auth/login-throttle.ts';

/**
 * Sign-in is throttled per email as well as per IP: attempts spread over many addresses still count against the
 * account they try. The pause grows with each round of failures and always ends; the user sees each pause.
 */

let t: TestContext;
beforeAll(async () => {
  // One trusted proxy in front (inject() connects from 127.0.0.1), so each attempt can come from its own address.
  t = await createTestApp({ LOGIN_MAX_FAILURES: '3', LOGIN_PAUSE_SECONDS: '1', TRUST_PROXY: '127.0.0.1' });
});
afterAll(() => t?.close());

let address = 0;
/** A sign-in attempt from a new client address each time (X-Forwarded-For behind the trusted proxy). */
const signIn = (email: string, password: string, ip = `198.51.100.${++address}`) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    headers: { 'x-forwarded-for': ip },
    payload: { email, password },
  });

/** Waits until every sign-in pause recorded has ended (pausedUntil passed), rather than sleeping its length. */
const pausesEnded = () =>
  eventually(
    async () => {
      const { _max } = await t.db.prisma.loginThrottle.aggregate({ _max: { pausedUntil: true } });
      return !_max.pausedUntil || _max.pausedUntil.getTime() < Date.now();
    },
    10_000,
    20,
  );

const securityEvents = async (member: Member) => {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/auth/security-events', headers: member.headers });
  expect(res.statusCode).toBe(200);
  return res.json().data.items as { kind: string; ip: string; details: { failures: number; pausedUntil: string } }[];
};

describe('per-account sign-in throttle', () => {
  it('pauses sign-in for an email after failures from many addresses, longer each round, and always ends', async () => {
    const alice = await registerOwner(t.app, 'Alice');
    for (let i = 0; i < 3; i++) {
      const wrong = await signIn(alice.email, `wrong password ${i}`);
      expect(wrong.json().code).toBe('INVALID_CREDENTIALS');
    }
    // Even the right password waits: the pause is what stops guessing.
    const paused = await signIn(alice.email, alice.password);
    expect(paused.statusCode).toBe(429);
    expect(paused.headers['retry-after']).toBe('1');
    expect(paused.json()).toMatchObject({
      success: false,
      code: 'LOGIN_LOCKED',
      error:
        'Too many failed sign-ins for this email: sign-in is paused for 1 second. Each further pause lasts longer, ' +
        '1 minute at most, and a successful sign-in ends them. If these attempts were not yours, they are listed ' +
        'in your security events (GET /api/v1/auth/security-events) once you sign in.',
      details: { retryAfterSeconds: 1 },
    });

    // Back-off: the next round of failures pauses twice as long.
    await pausesEnded();
    for (let i = 0; i < 3; i++) expect((await signIn(alice.email, 'still wrong!')).statusCode).toBe(401);
    const longer = await signIn(alice.email, alice.password);
    expect(longer.statusCode).toBe(429);
    expect(longer.headers['retry-after']).toBe('2');

    // The pause ends; the right password then works and says what happened.
    await pausesEnded();
    const back = await signIn(alice.email, alice.password);
    expect(back.statusCode).toBe(200);
    expect(back.json().message).toBe(
      'Sign-in for your email was paused 2 times since you last signed in, after failed attempts: see ' +
        'GET /api/v1/auth/security-events. If they were not yours, change your password.',
    );
    const session = { ...alice, headers: { authorization: `Bearer ${back.json().data.tokens.accessToken}` } };
    const events = await securityEvents(session);
    expect(events).toHaveLength(2);
    expect(events.map((e) => [e.kind, e.details.failures])).toEqual([
      ['sign_in_paused', 3],
      ['sign_in_paused', 3],
    ]);
    // The address of the attempt that started each pause, as the trusted proxy reported it.
    expect(events[0]!.ip).toMatch(/^198\.51\.100\.\d+$/);

    // A successful sign-in starts over: the next pause is the first length again, without a notice after it.
    for (let i = 0; i < 3; i++) expect((await signIn(alice.email, 'wrong again!')).statusCode).toBe(401);
    expect((await signIn(alice.email, alice.password)).headers['retry-after']).toBe('1');
  });

  it('treats emails with no account alike, so answers reveal nothing', async () => {
    for (let i = 0; i < 3; i++) expect((await signIn('nobody.here@example.com', 'guess guess')).statusCode).toBe(401);
    const paused = await signIn('nobody.here@example.com', 'guess guess');
    expect(paused.json().code).toBe('LOGIN_LOCKED');
    expect(
      await t.db.prisma.securityEvent.count({
        where: { kind: 'sign_in_paused', user: { email: 'nobody.here@example.com' } },
      }),
    ).toBe(0);
  });

  it('lets no more than the allowance through when attempts arrive at once', async () => {
    const bob = await registerOwner(t.app, 'Bob');
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => signIn(bob.email, `parallel guess ${i}`)));
    const codes = answers.map((a) => a.json().code);
    expect(codes.filter((c) => c === 'INVALID_CREDENTIALS')).toHaveLength(3);
    expect(codes.filter((c) => c === 'LOGIN_LOCKED')).toHaveLength(9);
  });

  it("lists a user's own security events only", async () => {
    const carol = await registerOwner(t.app, 'Carol');
    const mallory = await registerOwner(t.app, 'Mallory');
    for (let i = 0; i < 3; i++) await signIn(carol.email, 'not carols password');
    expect(await securityEvents(carol)).toHaveLength(1);
    expect(await securityEvents(mallory)).toEqual([]);
  });

  it('records the client address the trusted proxy reports: the right-most one that is not a proxy', async () => {
    const dave = await registerOwner(t.app, 'Dave');
    // A client can write its own X-Forwarded-For; the proxy appends the address it saw.
    for (let i = 0; i < 3; i++) await signIn(dave.email, 'wrong password', '203.0.113.66, 192.0.2.44');
    const [event] = await securityEvents(dave);
    expect(event!.ip).toBe('192.0.2.44');
  });
});

describe('throttle rules', () => {
  const policy = { maxFailures: 3, pauseSeconds: 60 };
  const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);
  const start = { failures: 0, pauses: 0, pausedUntil: null as Date | null, updatedAt: at(0) };

  it('doubles each pause up to 16 times the first, and never pauses for good', () => {
    let state = start;
    const lengths: number[] = [];
    for (let round = 0; round < 7; round++) {
      const now = state.pausedUntil ?? at(0);
      for (let i = 0; i < 3; i++) state = failedAttempt(startAttempt(state, now, policy).state, now, policy).state;
      lengths.push((state.pausedUntil!.getTime() - now.getTime()) / 1000);
    }
    expect(lengths).toEqual([60, 120, 240, 480, 960, 960, 960]);
  });

  it('forgets failures after 15 quiet minutes and the pause length after a quiet day', () => {
    const twoFailures = { ...start, failures: 2, pauses: 3 };
    expect(startAttempt(twoFailures, at(16 * 60_000), policy).state).toMatchObject({ failures: 1, pauses: 3 });
    expect(startAttempt(twoFailures, at(25 * 3_600_000), policy).state).toMatchObject({ failures: 1, pauses: 0 });
  });
});
