import { defineJob } from '../../jobs/definition.ts';
import { PermanentJobError } from '../../jobs/errors.ts';
import { sendMailJob } from './contracts.ts';
import type { NotificationsData } from './data.ts';
import type { Mailer } from './mailer.ts';

export interface NotificationsJobsDeps {
  outbox: NotificationsData;
  mailer: Mailer;
}

/**
 * Sends an outbox mail. A mail marked sent is never sent again, so a retry after success does nothing; the one
 * window left is a crash between the SMTP server's acceptance and the mark, where the retry sends it again with the
 * same Message-ID (which mail clients treat as one message).
 */
export function notificationsJobs({ outbox, mailer }: NotificationsJobsDeps) {
  return [
    defineJob({
      ...sendMailJob,
      retryLimit: 8,
      retryDelay: 15,
      retryDelayMax: 1_800,
      handler: async (ctx, { mailId }) => {
        const mail = await outbox.findMail(mailId);
        if (!mail) throw new PermanentJobError('MAIL_NOT_FOUND', `Mail ${mailId} is not in the outbox.`);
        // The result names the kind only: the job list is the account's, the address and link are the recipient's.
        if (mail.sentAt) return { kind: mail.kind, delivery: 'already_sent' };
        await mailer.send(
          { id: mail.id, kind: mail.kind, to: mail.toAddress, subject: mail.subject, text: mail.text, link: mail.link },
          ctx.log,
        );
        await outbox.markSent(mail.id);
        return { kind: mail.kind, delivery: mailer.configured ? 'smtp' : 'log' };
      },
    }),
  ];
}
