import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

const isCidr = (value: string) => {
  try {
    ipaddr.parseCIDR(value);
    return true;
  } catch {
    return false;
  }
};

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * Every setting the server reads from the environment. Parsed once at boot; a bad value stops the process
 * with a message naming the variable, instead of failing later in some request.
 */
export const ConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /**
   * Public base URL of this server, used in links it hands out (invitations, poll URLs, the web app's links in mails,
   * `<PUBLIC_URL>/app/...`); its origin is the one the browser session's cookie answers to.
   */
  PUBLIC_URL: z.url().optional(),
  /**
   * The SMTP server mail goes through, e.g. smtp://user:pass@smtp.example.com:587 (smtps:// for TLS from the start).
   * Unset: no mail is sent, and each mail's link is printed in the server log at info level instead.
   */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, { message: 'must look like smtp://user:pass@host:587 or smtps://host:465' })
    .optional(),
  /** The sender of the server's mails, e.g. "IGNY8 <no-reply@example.com>". Default: no-reply at PUBLIC_URL's host. */
  MAIL_FROM: z.string().trim().min(3).max(320).optional(),
  /**
   * Comma-separated browser origins, besides the server's own (PUBLIC_URL, and the address the request came to), that
   * may use the browser session cookie (e.g. a web app development server, http://localhost:5173). Requests with the
   * cookie from any other origin are refused (CSRF_ORIGIN_REFUSED).
   */
  SESSION_ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((s, ctx) => {
      const origins = s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean);
      const origin = (o: string) => {
        try {
          const url = new URL(o);
          return /^https?:$/.test(url.protocol) && url.origin === o.replace(/\/$/, '') ? url.origin : null;
        } catch {
          return null;
        }
      };
      const bad = origins.filter((o) => !origin(o));
      if (bad.length)
        ctx.addIssue({
          code: 'custom',
          message: `must be origins like https://app.example.com, not ${bad.join(', ')}`,
        });
      return origins.map((o) => origin(o) ?? o);
    }),
  /** PostgreSQL connection string. Without it the server uses embedded PostgreSQL (PGlite) under DATA_DIR. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: 'must start with postgres:// or postgresql://' })
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Where the embedded database and other local state live. */
  DATA_DIR: z.string().default('./.data'),
  /**
   * Signs access tokens. At least 32 characters. Required by the API in production; generated into DATA_DIR when
   * unset in development. Workers and migrations do not need it.
   */
  JWT_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
  /**
   * Keys that encrypt stored secrets (site publishing passwords, signing keys): "kid:base64(32 bytes)", current
   * first, older ones after a comma for rotation. Required in production; generated into DATA_DIR otherwise.
   */
  ENCRYPTION_KEYS: z.string().min(10).optional(),
  /**
   * Let the server call site URLs on loopback or private networks (local development and tests). Cloud metadata
   * addresses stay refused.
   */
  ALLOW_PRIVATE_SITE_URLS: bool.default(false),
  /**
   * Let operators' global provider keys use a base URL on loopback or private networks (a self-hosted Ollama or vLLM
   * next to the server). Accounts' own keys never may, unless ALLOW_PRIVATE_SITE_URLS (development) is set. Cloud
   * metadata addresses stay refused.
   */
  ALLOW_PRIVATE_PROVIDER_URLS: bool.default(false),
  /**
   * Demo mode: accounts without a provider key are sent to this OpenAI/Anthropic-compatible endpoint (e.g. the fake
   * provider of `npm run fake-ai`, http://127.0.0.1:4010) instead of failing; everything made that way is marked demo.
   */
  AI_DEMO_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Credits per US dollar of provider cost: 100 makes one credit one cent. */
  CREDITS_PER_USD: z.coerce.number().positive().max(1_000_000).default(100),
  /** Multiplier over the provider's price when charging credits. */
  CREDIT_MARKUP: z.coerce.number().min(1).max(100).default(1.5),
  CONNECTION_KEY_TTL_MINUTES: z.coerce.number().int().min(5).max(1440).default(60),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  INVITATION_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(72),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** "json": one JSON object a line (log collectors); "pretty": short lines for a person. Default: pretty on a terminal. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  /** Credits every new account gets at sign-up, written to its ledger as a grant (0: none). */
  SIGNUP_CREDITS: z.coerce.number().int().min(0).max(100_000_000).default(0),
  /** Comma-separated origins allowed by CORS; empty allows none (same-origin and server-to-server only). */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    ),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  /** Failed sign-ins in a row for one email before sign-in for that email pauses (from any address). */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  /** The first pause, in seconds; each further pause lasts twice as long, up to 16 times this. */
  LOGIN_PAUSE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  /** Largest keyword file the planner imports (uploads stream to the database in chunks; larger ones get 413). */
  PLANNER_IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).max(2_000_000_000).default(209_715_200),
  /** "all" runs API and worker in one process (npm start); "api" serves HTTP only. */
  IGNY8_ROLE: z.enum(['all', 'api']).default('all'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /**
   * Seconds between an idle worker's looks for jobs nobody announced (retries after a delay). New jobs wake workers
   * at once through LISTEN/NOTIFY.
   */
  WORKER_POLL_SECONDS: z.coerce.number().min(0.5).max(300).default(5),
  /**
   * Overrides every job type's heartbeat (seconds without a sign of life before a job counts as crashed and is
   * retried) for the queues this process creates. Unset: each job type's own (30 s for most). The test suite sets it
   * to pg-boss's minimum, 10, so its crash-recovery tests wait 10 s instead of 30.
   */
  JOB_HEARTBEAT_SECONDS: z.coerce.number().int().min(10).max(3_600).optional(),
  /** Items one automation run keeps in flight (articles being written, images being made...). */
  AUTOMATION_RUN_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(3),
  /** Automation runs one worker process drives at once (drivers mostly wait; the work runs in the other queues). */
  AUTOMATION_RUNS_PER_WORKER: z.coerce.number().int().min(1).max(200).default(20),
  /** Milliseconds between a driver's looks at its run while items are under way. */
  AUTOMATION_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  /** The shortest interval a custom automation schedule may have (seconds between two runs). */
  AUTOMATION_MIN_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  /** Seconds between the scheduler's looks for schedules that came due (pg-boss cron monitor; 1-45). */
  SCHEDULER_CHECK_SECONDS: z.coerce.number().int().min(1).max(45).default(30),
  /** How long graceful shutdown waits for requests and jobs in flight. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Serve the interactive API docs at /docs. */
  DOCS_ENABLED: bool.default(true),
  /**
   * The built web app (`npm run build -w server/web`, which `npm ci` runs) served at /app. Default: server/web/dist
   * of this checkout. Without a build, /app answers a page that says how to build it.
   */
  WEB_APP_DIR: z.string().min(1).optional(),
  /**
   * Trust X-Forwarded-* from a reverse proxy, for the client address in per-IP limits and security events: "true"
   * trusts every hop (the left-most X-Forwarded-For address counts, which a client can write itself unless the proxy
   * overwrites the header), or the proxies' addresses or CIDRs, comma-separated (the right-most address that is not
   * one of them counts).
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value, ctx): boolean | string[] => {
      const word = bool.safeParse(value.trim().toLowerCase());
      if (word.success) return word.data;
      const proxies = value.split(',').map((p) => p.trim());
      const bad = proxies.filter((p) => !ipaddr.isValid(p) && !isCidr(p));
      if (bad.length)
        ctx.addIssue({ code: 'custom', message: `must be true, false or addresses/CIDRs, not ${bad.join(', ')}` });
      return proxies;
    }),
  /** Where generated images are kept: "local" (DATA_DIR/media) or "s3" (an S3-compatible bucket, S3_* below). */
  MEDIA_STORAGE: z.enum(['local', 's3']).default('local'),
  S3_BUCKET: z.string().min(3).max(63).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  /** Endpoint of an S3-compatible service (MinIO, Cloudflare R2, DigitalOcean Spaces); unset for AWS S3. */
  S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Address objects as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY (MinIO and most self-hosted services). */
  S3_FORCE_PATH_STYLE: bool.default(false),
  /** Put every object key under this prefix, e.g. "igny8/media". */
  S3_PREFIX: z
    .string()
    .regex(/^\/*[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/*$/, {
      message: 'must be a path of letters, digits, ".", "_" and "-" separated by "/"',
    })
    .refine((v) => !v.split('/').some((p) => p === '.' || p === '..'), { message: 'must not contain "." or ".."' })
    .optional(),
});

export type Config = z.infer<typeof ConfigSchema> & { dataDir: string; logFormat: 'json' | 'pretty' };

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment (process.env by default); throws ConfigError listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset" (docker-compose and shells produce them for missing values).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`));
  }
  if (parsed.data.MEDIA_STORAGE === 's3') {
    const missing = (['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const).filter((k) => !parsed.data[k]);
    if (missing.length) throw new ConfigError(missing.map((k) => `${k}: required when MEDIA_STORAGE is s3`));
  }
  // A relative DATA_DIR is taken from the folder the command was run in: npm runs workspace scripts inside server/,
  // and tells the folder it was started from in INIT_CWD (`npm start` at the root keeps its data in ./.data there).
  const base = cleaned.INIT_CWD ?? process.cwd();
  return {
    ...parsed.data,
    dataDir: path.resolve(base, parsed.data.DATA_DIR),
    logFormat: parsed.data.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json'),
  };
}
