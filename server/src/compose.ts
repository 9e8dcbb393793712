import { createSigner } from 'fast-jwt';
import type { PgBoss } from 'pg-boss';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import { JobRegistry, type JobDefinition } from './jobs/definition.ts';
import { JobQueue } from './jobs/queue.ts';
import type { SecretBox } from './lib/encryption.ts';
import { mediaStorageFor } from './lib/media-storage.ts';
import { accountsData } from './modules/accounts/data.ts';
import { accountsJobs, createAccountsServices } from './modules/accounts/index.ts';
import { aiJobs, createAiServices } from './modules/ai/index.ts';
import { releaseJobHold } from './modules/ai/jobs.ts';
import { createAuthServices } from './modules/auth/index.ts';
import { createAutomationServices } from './modules/automation/index.ts';
import { billingData } from './modules/billing/data.ts';
import { createBillingService } from './modules/billing/service.ts';
import { connectJobs } from './modules/connect/jobs-health.ts';
import { createConnectService } from './modules/connect/service.ts';
import { createSiteClient } from './modules/connect/site-client.ts';
import { createJobsService } from './modules/jobs/service.ts';
import { createNotificationsServices, mailFrom } from './modules/notifications/index.ts';
import { plannerJobs } from './modules/planner/jobs.ts';
import { createPlannerServices } from './modules/planner/index.ts';
import { createPublisherServices, publisherJobs } from './modules/publisher/index.ts';
import { sitesData } from './modules/sites/data.ts';
import { createSitesBulk } from './modules/sites/bulk.ts';
import { createSitesService } from './modules/sites/service.ts';
import { createSystemService } from './modules/system/service.ts';
import { writerJobs } from './modules/writer/jobs.ts';
import { createWriterServices } from './modules/writer/index.ts';

export interface ComposeOptions {
  config: Config;
  db: Database;
  /** pg-boss, created but not necessarily started: services only use it once the runtime has started it. */
  boss: PgBoss;
  /** Seals stored secrets (provider keys, site credentials). */
  box: SecretBox;
  /** Signs access tokens. A worker-only process has none: signing in is the API's business. */
  jwtSecret?: string | undefined;
  version: string;
  /** Job types added to the product's (tests add their own). */
  extraJobs?: JobDefinition[];
}

/**
 * The composition root: builds every service of the product once, for the API and the worker alike, and the
 * registry of every job type with handlers bound to those same services. Nothing else constructs a service.
 */
export function compose(options: ComposeOptions) {
  const { config, db, boss, box } = options;
  const prisma = db.prisma;
  const publicUrl = config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`;
  const siteOutbound = { allowPrivateNetworks: config.ALLOW_PRIVATE_SITE_URLS };

  // Job handlers are bound to the services built below, and those services enqueue through this queue: the
  // registry is filled once everything exists (the queue only reads it when a job is sent).
  const registry = new JobRegistry();
  const queue = new JobQueue(boss, registry);

  // Mail: queued in the outbox by the services below, sent by the notifications.send_mail job.
  const notifications = createNotificationsServices({
    prisma,
    queue,
    publicUrl,
    smtpUrl: config.SMTP_URL,
    mailFrom: mailFrom(config.MAIL_FROM, publicUrl),
  });

  const media = mediaStorageFor(config);
  const billing = createBillingService({ prisma });
  const holds = billingData(prisma);
  const releaseHold = releaseJobHold({ billing, holds });
  const jobs = createJobsService({ prisma, queue, billing });

  // AI: the model registry, provider credentials, prompts and the engine that runs them; runs start paid work.
  const ai = createAiServices({ config, prisma, box, billing, queue });
  const { engine, runs } = ai;

  const connect = createConnectService({
    prisma,
    box,
    outbound: siteOutbound,
    siteClient: createSiteClient({ box, outbound: siteOutbound }),
    connectionKeyTtlMinutes: config.CONNECTION_KEY_TTL_MINUTES,
    billing,
    serverUrl: publicUrl,
  });

  const signAccessToken = options.jwtSecret
    ? createSigner({ key: options.jwtSecret, algorithm: 'HS256', expiresIn: config.ACCESS_TOKEN_TTL_SECONDS * 1000 })
    : () => {
        throw new Error('This process signs no access tokens (it runs no API)');
      };
  const { auth, principals, passwordReset, emailChange, sessions } = createAuthServices({
    prisma,
    throttlePolicy: { maxFailures: config.LOGIN_MAX_FAILURES, pauseSeconds: config.LOGIN_PAUSE_SECONDS },
    signAccessToken: (claims) => signAccessToken(claims),
    accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: config.REFRESH_TOKEN_TTL_DAYS,
    signupCredits: config.SIGNUP_CREDITS,
    notifications: notifications.notifications,
    publicUrl,
    sessionAllowedOrigins: config.SESSION_ALLOWED_ORIGINS,
  });

  const planner = createPlannerServices({
    prisma,
    queue,
    jobs,
    runs,
    engine,
    importMaxBytes: config.PLANNER_IMPORT_MAX_BYTES,
  });

  const writer = createWriterServices({ prisma, runs, media });
  const publisher = createPublisherServices({ prisma, queue });
  const automation = createAutomationServices({
    prisma,
    boss,
    queue,
    jobs,
    planner,
    writer,
    publisher: publisher.publisher,
    config,
  });

  const services = {
    auth,
    principals,
    passwordReset,
    emailChange,
    sessions,
    notifications: notifications.notifications,
    mailer: notifications.mailer,
    ...createAccountsServices({
      prisma,
      invitationTtlHours: config.INVITATION_TTL_HOURS,
      notifications: notifications.notifications,
    }),
    sites: createSitesService({ prisma, outbound: siteOutbound }),
    sitesBulk: createSitesBulk({ prisma, connect, automation: automation.services.runs }),
    connect,
    jobs,
    billing,
    media,
    ai,
    system: createSystemService({ db, boss, version: options.version, startedAt: Date.now() }),
    planner,
    writer,
    publisher,
    automation: automation.services,
  };

  registry.register(
    ...accountsJobs({ accounts: accountsData(prisma), sites: sitesData(prisma) }),
    ...connectJobs({ connect }),
    ...notifications.jobs(),
    ...aiJobs({ engine, billing, holds, media }),
    ...plannerJobs({
      data: planner.data,
      engine,
      billing,
      connect,
      releaseHold,
      databaseUrl: db.url,
    }),
    ...writerJobs({ prisma, engine, billing, media, releaseHold }),
    ...publisherJobs({ prisma, connect, media }),
    ...automation.jobs(),
    ...(options.extraJobs ?? []),
  );

  return { services, registry, queue };
}

export type Composition = ReturnType<typeof compose>;
export type Services = Composition['services'];
