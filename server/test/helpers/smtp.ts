import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { JobRegistry } from '../../src/jobs/definition.ts';
import { JobWorker } from '../../src/jobs/worker.ts';
import { notificationsData } from '../../src/modules/notifications/data.ts';
import { notificationsJobs } from '../../src/modules/notifications/jobs.ts';
import type { TestContext } from './app.ts';
import { eventually } from './processes.ts';

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  messageId: string | undefined;
  raw: ParsedMail;
}

export interface SmtpSink {
  /** SMTP_URL for the server under test, with the sink's user and password. */
  url: string;
  /** Every mail received, in order. */
  mails: ReceivedMail[];
  /** The first mail to `address` (and matching `subject`, when given) received from now on or before; waits for it. */
  mailTo(address: string, subject?: RegExp): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export const SMTP_USER = 'igny8';
export const SMTP_PASS = 'smtp-test-password';

/**
 * A real SMTP server in this process (smtp-server) on a free port: it accepts mail from SMTP_USER/SMTP_PASS and keeps
 * each message, parsed by mailparser. STARTTLS is off (the package's bundled certificate has expired), so
 * authentication goes over the plain connection, which is fine on loopback.
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: false,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASS) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const to = [parsed.to ?? []].flat().flatMap((a) => a.value.map((v) => v.address ?? ''));
          mails.push({
            to,
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            messageId: parsed.messageId,
            raw: parsed,
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://${SMTP_USER}:${SMTP_PASS}@127.0.0.1:${port}`,
    mails,
    mailTo(address, subject) {
      return eventually(
        async () => mails.find((m) => m.to.includes(address.toLowerCase()) && (!subject || subject.test(m.subject))),
        20_000,
        50,
      );
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The link to the web app's `page` in a mail (`<public>/app/<page>?token=...`), and its token. */
export function appLinkIn(mail: ReceivedMail, page: string): { url: string; token: string } {
  const match = new RegExp(`https?://\\S+/app/${page}\\?token=([A-Za-z0-9_%-]+)`).exec(mail.text);
  if (!match) throw new Error(`no /app/${page} link in the mail "${mail.subject}":\n${mail.text}`);
  return { url: match[0], token: decodeURIComponent(match[1]!) };
}

/** A real JobWorker running the mail job with the app's own mailer (so SMTP_URL of the test app applies). */
export async function startMailWorker(t: TestContext): Promise<JobWorker> {
  const registry = new JobRegistry().register(
    ...notificationsJobs({ outbox: notificationsData(t.db.prisma), mailer: t.services.mailer }),
  );
  const worker = new JobWorker(t.queue.boss, t.db.prisma, registry, pino({ level: 'silent' }), {
    concurrency: 2,
    pollingIntervalSeconds: 0.5,
    backstopPollingSeconds: 1,
  });
  await worker.start();
  return worker;
}
