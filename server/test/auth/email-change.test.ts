import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobWorker } from '../../src/jobs/worker.ts';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { appLinkIn, startMailWorker, startSmtpSink, type SmtpSink } from '../helpers/smtp.ts';
import { registerOwner, type Member } from '../helpers/users.ts';

let t: TestContext;
let smtp: SmtpSink;
let worker: JobWorker;

beforeAll(async () => {
  smtp = await startSmtpSink();
  t = await createTestApp({ SMTP_URL: smtp.url });
  worker = await startMailWorker(t);
});
afterAll(async () => {
  await worker?.stop();
  await t?.close();
  await smtp?.close();
});

const change = (m: Member, newEmail: string, password = m.password) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/email-change',
    headers: m.headers,
    payload: { newEmail, password },
  });
const confirm = (token: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/email-change/confirm', payload: { token } });

describe('email change', () => {
  it('mails a confirm link to the new address and a notice to the old one; the link changes the email once', async () => {
    const m = await registerOwner(t.app, 'Mover');
    const res = await change(m, 'Moved.Here@Example.com');
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().message).toContain('moved.here@example.com');

    const notice = await smtp.mailTo(m.email, /about to change/);
    expect(notice.text).toContain('moved.here@example.com');
    expect(notice.text).not.toMatch(/token=/);
    const mail = await smtp.mailTo('moved.here@example.com', /Confirm your new IGNY8 email/);
    const { url, token } = appLinkIn(mail, 'confirm-email');
    expect(url.startsWith('http://igny8.test/app/confirm-email?token=')).toBe(true);

    // Until confirmed, the old address still signs in.
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: m.headers });
    expect(me.json().data.user.email).toBe(m.email);

    const done = await confirm(token);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().data).toEqual({ email: 'moved.here@example.com' });
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'moved.here@example.com', password: m.password },
    });
    expect(login.statusCode).toBe(200);

    const again = await confirm(token);
    expect(again.statusCode).toBe(410);
    expect(again.json().code).toBe('EMAIL_CHANGE_INVALID');
  });

  it('needs the current password, and refuses an address another user has', async () => {
    const m = await registerOwner(t.app, 'Careful');
    const other = await registerOwner(t.app, 'Other');
    const wrong = await change(m, 'fresh@example.com', 'not my password');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'INVALID_CREDENTIALS', details: { field: 'password' } });
    const taken = await change(m, other.email);
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'EMAIL_TAKEN', details: { field: 'newEmail' } });
    const same = await change(m, m.email);
    expect(same.statusCode).toBe(409);
    expect(await t.db.prisma.userToken.count({ where: { userId: m.userId } })).toBe(0);
  });

  it('refuses the link when another user took the address meanwhile, and an expired link', async () => {
    const m = await registerOwner(t.app, 'Late');
    expect((await change(m, 'contested@example.com')).statusCode).toBe(202);
    const mail = await smtp.mailTo('contested@example.com');
    await registerOwner(t.app, 'Quick').then(async (q) => {
      await t.db.prisma.user.update({ where: { id: q.userId }, data: { email: 'contested@example.com' } });
    });
    const res = await confirm(appLinkIn(mail, 'confirm-email').token);
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('EMAIL_TAKEN');

    expect((await change(m, 'later@example.com')).statusCode).toBe(202);
    const late = await smtp.mailTo('later@example.com');
    await t.db.prisma.userToken.updateMany({
      where: { userId: m.userId, newEmail: 'later@example.com' },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await confirm(appLinkIn(late, 'confirm-email').token);
    expect(expired.statusCode).toBe(410);
  });

  it('changes only the user the link was made for, whoever opens it (cross-user case)', async () => {
    const alice = await registerOwner(t.app, 'Alice');
    const mallory = await registerOwner(t.app, 'Mallory');
    expect((await change(alice, 'alice.new@example.com')).statusCode).toBe(202);
    const mail = await smtp.mailTo('alice.new@example.com');
    // Mallory, signed in, opens Alice's link: the change is Alice's, Mallory's email stays.
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/email-change/confirm',
      headers: mallory.headers,
      payload: { token: appLinkIn(mail, 'confirm-email').token },
    });
    expect(res.statusCode).toBe(200);
    const users = await t.db.prisma.user.findMany({ where: { id: { in: [alice.userId, mallory.userId] } } });
    expect(users.find((u) => u.id === alice.userId)!.email).toBe('alice.new@example.com');
    expect(users.find((u) => u.id === mallory.userId)!.email).toBe(mallory.email);
  });

  it('is for signed-in users only: no credential 401, an API key 403', async () => {
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/email-change',
      payload: { newEmail: 'x@example.com', password: 'whatever password' },
    });
    expect(anonymous.statusCode).toBe(401);
    const m = await registerOwner(t.app, 'Keyed');
    const key = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: m.headers,
      payload: { name: 'k', scopes: ['members:read'] },
    });
    const withKey = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/email-change',
      headers: { authorization: `Bearer ${key.json().data.key}` },
      payload: { newEmail: 'y@example.com', password: m.password },
    });
    expect(withKey.statusCode).toBe(403);
  });
});
