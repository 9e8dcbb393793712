import { z } from 'zod';
import { jobContract } from '../../jobs/definition.ts';

/** Sends one mail of the outbox (MailOutbox), at most once: a retry after it was sent sends nothing. */
export const sendMailJob = jobContract('notifications.send_mail', z.object({ mailId: z.uuid() }));
