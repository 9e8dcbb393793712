import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { Writable } from 'node:stream';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { eventually } from '../helpers/processes.ts';
import { appLinkIn, startMailWorker, startSmtpSink, type SmtpSink } from '../helpers/smtp.ts';
import { registerOwner } from '../helpers/users.ts';
import { notificationsData } from '../../src/modules/notifications/data.ts';
import { notificationsJobs } from '../../src/modules/notifications/jobs.ts';
import { createMailer } from '../../src/modules/notifications/mailer.ts';
import type { JobContext } from '../../src/jobs/context.ts';
import { sendMailJob } from '../../src/modules/notifications/contracts.ts';

let t: TestContext;
let smtp: SmtpSink;

beforeAll(async () => {
  smtp = await startSmtpSink();
  t = await createTestApp({ SMTP_URL: smtp.url });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

describe('invitation mail', () => {
  it('mails the invitee the app link, which accepts the invitation', async () => {
    const worker = await startMailWorker(t);
    try {
      const owner = await registerOwner(t.app, 'Inviter');
      const invite = await t.app.inject({
        method: 'POST',
        url: '/api/v1/invitations',
        headers: owner.headers,
        payload: { email: 'Invitee@Example.com', role: 'editor' },
      });
      expect(invite.statusCode, invite.body).toBe(201);
      // The answer keeps its shape: the token and the link to pass on.
      const data = invite.json().data;
      expect(data.acceptUrl).toBe(`http://igny8.test/app/invitations/accept?token=${data.token}`);

      const mail = await smtp.mailTo('invitee@example.com', /invited you to Inviter's agency/);
      expect(mail.text).toContain('as editor');
      const { token } = appLinkIn(mail, 'invitations/accept');
      const accepted = await t.app.inject({
        method: 'POST',
        url: '/api/v1/invitations/accept',
        payload: { token, password: 'a good long password', name: 'Invitee' },
      });
      expect(accepted.statusCode, accepted.body).toBe(200);
      expect(accepted.json().data.session).toMatchObject({ role: 'editor', account: { id: owner.accountId } });
    } finally {
      await worker.stop();
    }
  });
});

describe('the outbox', () => {
  it('sends a mail once, however often its job runs or its reason is queued', async () => {
    const owner = await registerOwner(t.app, 'Once');
    await t.db.prisma.$transaction(async (tx) => {
      const mail = {
        accountId: owner.accountId,
        dedupeKey: 'test:once',
        kind: 'test',
        to: 'once@example.com',
        subject: 'Only once',
        text: 'hello',
      };
      await t.services.notifications.queueMail(tx, mail);
      await t.services.notifications.queueMail(tx, mail);
    });
    const rows = await t.db.prisma.mailOutbox.findMany({ where: { dedupeKey: 'test:once' } });
    expect(rows).toHaveLength(1);
    const runs = await t.db.prisma.jobRun.findMany({ where: { accountId: owner.accountId, type: sendMailJob.type } });
    expect(runs).toHaveLength(1);

    // Run the handler three times, as retries would: one mail arrives.
    const [job] = notificationsJobs({ outbox: notificationsData(t.db.prisma), mailer: t.services.mailer });
    const ctx = { log: pino({ level: 'silent' }) } as unknown as JobContext;
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await job!.handler(ctx, { mailId: rows[0]!.id }));
    expect(results.map((r) => (r as { delivery: string }).delivery)).toEqual(['smtp', 'already_sent', 'already_sent']);
    await smtp.mailTo('once@example.com');
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.mails.filter((m) => m.to.includes('once@example.com'))).toHaveLength(1);
    // The job's result, shown in the account's job list, names no address.
    expect(JSON.stringify(results)).not.toContain('once@example.com');
  });

  it('retries a mail the SMTP server refused, and sends it once it accepts', async () => {
    const refusing = createMailer({ smtpUrl: smtp.url.replace(':smtp-test-password@', ':wrong@'), from: 'a@b.test' });
    const owner = await registerOwner(t.app, 'Retry');
    await t.db.prisma.$transaction((tx) =>
      t.services.notifications.queueMail(tx, {
        accountId: owner.accountId,
        dedupeKey: 'test:retry',
        kind: 'test',
        to: 'retry@example.com',
        subject: 'Retried',
        text: 'hello',
      }),
    );
    const row = await t.db.prisma.mailOutbox.findUniqueOrThrow({ where: { dedupeKey: 'test:retry' } });
    const ctx = { log: pino({ level: 'silent' }) } as unknown as JobContext;
    const [failing] = notificationsJobs({ outbox: notificationsData(t.db.prisma), mailer: refusing });
    await expect(failing!.handler(ctx, { mailId: row.id })).rejects.toThrow();
    expect((await t.db.prisma.mailOutbox.findUniqueOrThrow({ where: { id: row.id } })).sentAt).toBeNull();
    refusing.close();
    const [working] = notificationsJobs({ outbox: notificationsData(t.db.prisma), mailer: t.services.mailer });
    await working!.handler(ctx, { mailId: row.id });
    await smtp.mailTo('retry@example.com');
  });
});

describe('without SMTP_URL', () => {
  it('prints the link in the log at info level', async () => {
    const lines: string[] = [];
    const log = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const mailer = createMailer({ smtpUrl: undefined, from: 'IGNY8 <no-reply@localhost>' });
    expect(mailer.configured).toBe(false);
    await mailer.send(
      {
        id: '00000000-0000-4000-8000-000000000000',
        kind: 'password_reset',
        to: 'someone@example.com',
        subject: 'Reset your IGNY8 password',
        text: 'body',
        link: 'http://127.0.0.1:3000/app/reset-password?token=abc',
      },
      log,
    );
    const entry = JSON.parse(await eventually(async () => lines[0]));
    expect(entry.level).toBe(30);
    expect(entry.msg).toContain('no SMTP_URL configured');
    expect(entry.msg).toContain('http://127.0.0.1:3000/app/reset-password?token=abc');
  });
});
