import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobWorker } from '../../src/jobs/worker.ts';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { appLinkIn, startMailWorker, startSmtpSink, type SmtpSink } from '../helpers/smtp.ts';
import { eventually } from '../helpers/processes.ts';
import { registerOwner, type Member } from '../helpers/users.ts';
import { sha256 } from '../../src/lib/secrets.ts';

let t: TestContext;
let smtp: SmtpSink;
let worker: JobWorker;
let owner: Member;

beforeAll(async () => {
  smtp = await startSmtpSink();
  t = await createTestApp({ SMTP_URL: smtp.url, MAIL_FROM: 'IGNY8 <no-reply@igny8.test>' });
  worker = await startMailWorker(t);
  owner = await registerOwner(t.app, 'Reset');
});
afterAll(async () => {
  await worker?.stop();
  await t?.close();
  await smtp?.close();
});

const ask = (email: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email } });
const confirm = (token: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/confirm', payload: { token, password } });
const login = (email: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });

describe('password reset by email', () => {
  it('mails a link that sets a new password once, and ends every sign-in', async () => {
    const res = await ask(owner.email.toUpperCase());
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ success: true, data: null });

    const mail = await smtp.mailTo(owner.email, /Reset your IGNY8 password/);
    expect(mail.messageId).toMatch(/@igny8\.test>$/);
    const { url, token } = appLinkIn(mail, 'reset-password');
    expect(url.startsWith('http://igny8.test/app/reset-password?token=')).toBe(true);
    // Hashed at rest: the token itself is nowhere in the database, and the sent mail's body is gone from the outbox.
    const stored = await t.db.prisma.userToken.findFirstOrThrow({ where: { userId: owner.userId } });
    expect(stored.tokenHash).not.toContain(token);
    const outbox = await t.db.prisma.mailOutbox.findFirstOrThrow({
      where: { dedupeKey: `password_reset:${stored.id}` },
    });
    expect(outbox.sentAt).not.toBeNull();
    expect(outbox.text).toBe('');
    expect(outbox.link).toBeNull();

    const done = await confirm(token, 'a brand new password');
    expect(done.statusCode, done.body).toBe(200);
    // Every earlier sign-in ended.
    const refresh = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: owner.refreshToken },
    });
    expect(refresh.statusCode).toBe(401);
    expect((await login(owner.email, owner.password)).statusCode).toBe(401);
    expect((await login(owner.email, 'a brand new password')).statusCode).toBe(200);

    // Single-use.
    const again = await confirm(token, 'yet another password');
    expect(again.statusCode).toBe(410);
    expect(again.json().code).toBe('PASSWORD_RESET_INVALID');
    owner.password = 'a brand new password';
  });

  it('answers an unknown email exactly like a known one, and mails nothing', async () => {
    const before = smtp.mails.length;
    const unknown = await ask('nobody-here@example.com');
    const known = await ask(owner.email);
    expect(unknown.statusCode).toBe(202);
    expect(unknown.json().data).toEqual(known.json().data);
    expect(unknown.json().message.replace('nobody-here@example.com', 'X')).toBe(
      known.json().message.replace(owner.email, 'X'),
    );
    await smtp.mailTo(owner.email, /Reset/);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.mails.slice(before).some((m) => m.to.includes('nobody-here@example.com'))).toBe(false);
  });

  it('refuses an expired link, and a link replaced by a newer password', async () => {
    const u = await registerOwner(t.app, 'Expiry');
    for (let i = 0; i < 3; i++) expect((await ask(u.email)).statusCode).toBe(202);
    const mails = await eventually(async () => {
      const found = smtp.mails.filter((m) => m.to.includes(u.email));
      return found.length === 3 ? found : undefined;
    });
    const [expired, used, replaced] = mails.map((m) => appLinkIn(m, 'reset-password').token);
    await t.db.prisma.userToken.update({
      where: { tokenHash: sha256(expired!) },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await confirm(expired!, 'another fine password')).json().code).toBe('PASSWORD_RESET_INVALID');
    expect((await confirm(used!, 'another fine password')).statusCode).toBe(200);
    // The new password retired every other reset link of the user.
    const late = await confirm(replaced!, 'yet another password');
    expect(late.statusCode).toBe(410);
    expect(late.json().code).toBe('PASSWORD_RESET_INVALID');
  });

  it('mails one user at most 3 reset links an hour', async () => {
    const u = await registerOwner(t.app, 'Flood');
    for (let i = 0; i < 5; i++) expect((await ask(u.email)).statusCode).toBe(202);
    expect(await t.db.prisma.userToken.count({ where: { userId: u.userId } })).toBe(3);
  });

  it('names the bad field of a new password that is too short', async () => {
    const res = await confirm('x'.repeat(43), 'short');
    expect(res.statusCode).toBe(422);
    expect(res.json().details.fields[0].field).toBe('password');
  });
});
