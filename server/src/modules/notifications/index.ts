import { isIP } from 'node:net';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import { notificationsData } from './data.ts';
import { notificationsJobs } from './jobs.ts';
import { createMailer } from './mailer.ts';
import { createNotificationsService } from './service.ts';

export interface NotificationsServicesDeps {
  prisma: PrismaClient;
  queue: JobQueue;
  publicUrl: string;
  smtpUrl: string | undefined;
  mailFrom: string;
}

/** The notifications module: the mail outbox (queued in other modules' transactions) and the mailer that sends it. */
export function createNotificationsServices(deps: NotificationsServicesDeps) {
  const mailer = createMailer({ smtpUrl: deps.smtpUrl, from: deps.mailFrom });
  return {
    notifications: createNotificationsService({ queue: deps.queue, publicUrl: deps.publicUrl }),
    mailer,
    jobs: () => notificationsJobs({ outbox: notificationsData(deps.prisma), mailer }),
  };
}

/** MAIL_FROM, or no-reply at the public URL's host. */
export function mailFrom(configured: string | undefined, publicUrl: string): string {
  if (configured) return configured;
  const host = new URL(publicUrl).hostname;
  const domain = host.includes('.') && !isIP(host) ? host : 'localhost';
  return `IGNY8 <no-reply@${domain}>`;
}
