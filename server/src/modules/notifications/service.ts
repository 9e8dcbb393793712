import type { Prisma } from '../../generated/prisma/client.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import { sendMailJob } from './contracts.ts';
import { notificationsData } from './data.ts';
import type { MailContent } from './templates.ts';

export interface NotificationsServiceDeps {
  queue: JobQueue;
  /** PUBLIC_URL (or the address the server listens on): links point at `<publicUrl>/app/...`. */
  publicUrl: string;
}

/** The web app's pages that mails link to. */
export type AppPage = 'reset-password' | 'confirm-email' | 'invitations/accept';

export interface QueuedMail extends MailContent {
  /** The account the mail is sent for (the job runs in its name). */
  accountId: string;
  /** One mail per reason: the same key queued twice is one mail, e.g. `password_reset:<token id>`. */
  dedupeKey: string;
  kind: string;
  to: string;
  link?: string;
  requestId?: string;
}

/**
 * Mail goes through an outbox: queueing writes the mail and its send job in the caller's transaction (so a mail
 * exists exactly when its reason does), and the job sends it after commit, away from the request.
 */
export function createNotificationsService(deps: NotificationsServiceDeps) {
  const base = deps.publicUrl.replace(/\/+$/, '');
  return {
    /** A link into the web app carrying a token, e.g. `<public>/app/reset-password?token=...`. */
    appLink(page: AppPage, token: string): string {
      return `${base}/app/${page}?token=${encodeURIComponent(token)}`;
    },

    /** Writes the mail to the outbox and queues its sending, in `tx`. */
    async queueMail(tx: Prisma.TransactionClient, mail: QueuedMail): Promise<void> {
      const row = await notificationsData(tx).queueMail({
        dedupeKey: mail.dedupeKey,
        kind: mail.kind,
        toAddress: mail.to,
        subject: mail.subject,
        text: mail.text,
        link: mail.link ?? null,
      });
      await deps.queue.enqueue(tx, {
        type: sendMailJob.type,
        accountId: mail.accountId,
        payload: { mailId: row.id },
        idempotencyKey: `mail:${row.id}`,
        ...(mail.requestId ? { requestId: mail.requestId } : {}),
      });
    },
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
