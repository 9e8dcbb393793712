import nodemailer from 'nodemailer';
import type { Logger } from 'pino';

/** One mail as the mailer sends it. `id` makes its Message-ID, so a receiver can tell a duplicate. */
export interface MailMessage {
  id: string;
  kind: string;
  to: string;
  subject: string;
  text: string;
  link: string | null;
}

export interface Mailer {
  /** False when no SMTP server is configured: mails are printed in the log instead. */
  readonly configured: boolean;
  send(mail: MailMessage, log: Logger): Promise<void>;
  close(): void;
}

export interface MailerOptions {
  /** SMTP_URL, e.g. smtp://user:pass@host:587; none: mails go to the log. */
  smtpUrl: string | undefined;
  /** MAIL_FROM. */
  from: string;
}

/** The domain of the sender address, for Message-IDs. */
function senderDomain(from: string): string {
  const match = /@([^>\s]+)>?\s*$/.exec(from);
  return match?.[1] ?? 'igny8.invalid';
}

/**
 * Sends mail through the SMTP server in configuration (nodemailer). Without one, each mail is written to the log at
 * info level with its link, so a single-user installation can still reset a password or confirm an email.
 */
export function createMailer(options: MailerOptions): Mailer {
  const domain = senderDomain(options.from);
  if (!options.smtpUrl) {
    return {
      configured: false,
      async send(mail, log) {
        log.info(
          { mail: { id: mail.id, kind: mail.kind, to: mail.to, subject: mail.subject } },
          mail.link
            ? `Mail not sent (no SMTP_URL configured): "${mail.subject}" to ${mail.to}. Open its link: ${mail.link}`
            : `Mail not sent (no SMTP_URL configured): "${mail.subject}" to ${mail.to}.`,
        );
      },
      close() {},
    };
  }
  const transport = nodemailer.createTransport({
    url: options.smtpUrl,
    // Fail an attempt in seconds, not minutes: the job retries with backoff.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    configured: true,
    async send(mail, log) {
      const info = await transport.sendMail({
        from: options.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: `<${mail.id}@${domain}>`,
      });
      log.info({ mail: { id: mail.id, kind: mail.kind }, smtpResponse: info.response }, 'mail sent');
    },
    close() {
      transport.close();
    },
  };
}
