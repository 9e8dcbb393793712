import type { Db } from '../../db/client.ts';

export interface OutboxMail {
  dedupeKey: string;
  kind: string;
  toAddress: string;
  subject: string;
  text: string;
  link: string | null;
}

/** The notifications module's queries: the mail outbox. */
export function notificationsData(db: Db) {
  return {
    /** The mail with this dedupe key, created unless it exists (a reason is mailed once, however often queued). */
    queueMail(mail: OutboxMail) {
      return db.mailOutbox.upsert({ where: { dedupeKey: mail.dedupeKey }, create: mail, update: {} });
    },

    findMail(mailId: string) {
      return db.mailOutbox.findUnique({ where: { id: mailId } });
    },

    /** Marks the mail sent and forgets its body and link (which may hold a token); 0 when it was already sent. */
    async markSent(mailId: string): Promise<number> {
      const { count } = await db.mailOutbox.updateMany({
        where: { id: mailId, sentAt: null },
        data: { sentAt: new Date(), text: '', link: null },
      });
      return count;
    },
  };
}

export type NotificationsData = ReturnType<typeof notificationsData>;
