import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { RESULTS } from './stack.ts';

/**
 * The e2e suite's mailbox: a real SMTP server (smtp-server) the IGNY8 server sends to through nodemailer
 * (SMTP_URL). The global setup runs this file as its own process, like the fake AI provider; every mail received is
 * one JSON line in test-results/mails.jsonl, which specs read with mailTo().
 */
export const MAILS_FILE = path.join(RESULTS, 'mails.jsonl');
export const SMTP_USER = 'igny8-e2e';
export const SMTP_PASS = 'e2e-smtp-password';

export interface Mail {
  to: string[];
  subject: string;
  text: string;
  at: string;
}

function read(): Mail[] {
  if (!existsSync(MAILS_FILE)) return [];
  return readFileSync(MAILS_FILE, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Mail);
}

/** The latest mail to `address` whose subject matches, waiting up to `timeoutMs` for it to arrive. */
export async function mailTo(address: string, subject: RegExp, timeoutMs = 30_000): Promise<Mail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = read()
      .reverse()
      .find((mail) => mail.to.includes(address.toLowerCase()) && subject.test(mail.subject));
    if (found) return found;
    if (Date.now() > deadline) {
      throw new Error(
        `no mail to ${address} matching ${subject} within ${timeoutMs} ms (${read().length} mails in all)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The web app link to `page` in a mail, e.g. linkIn(mail, 'invitations/accept'). */
export function linkIn(mail: Mail, page: string): string {
  const match = new RegExp(`https?://\\S+/app/${page}\\?token=[A-Za-z0-9_%.-]+`).exec(mail.text);
  if (!match) throw new Error(`no /app/${page} link in the mail "${mail.subject}":\n${mail.text}`);
  return match[0];
}

async function main() {
  const port = Number(process.env.SMTP_SINK_PORT);
  const server = new SMTPServer({
    // The package's bundled certificate has expired: plain SMTP with authentication, on loopback only.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASS) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const to = [parsed.to ?? []].flat().flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase()));
          const mail: Mail = {
            to,
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            at: new Date().toISOString(),
          };
          appendFileSync(MAILS_FILE, `${JSON.stringify(mail)}\n`);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  server.listen(port, '127.0.0.1', () => console.log(`mail sink listening on 127.0.0.1:${port}`));
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) await main();
