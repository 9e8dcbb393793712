import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { AppError } from './errors.ts';
import type { Config } from './config.ts';
import type { Services } from './compose.ts';
import { loggerOptions } from './logger.ts';
import { accountRoutes } from './modules/accounts/routes.ts';
import { automationRoutes } from './modules/automation/routes.ts';
import { promptRoutes } from './modules/ai/prompts/routes.ts';
import { aiRunRoutes } from './modules/ai/routes-runs.ts';
import { aiRoutes } from './modules/ai/routes-models.ts';
import { authRoutes } from './modules/auth/routes.ts';
import { recoveryRoutes } from './modules/auth/routes-recovery.ts';
import { billingRoutes } from './modules/billing/routes.ts';
import { connectRoutes } from './modules/connect/routes.ts';
import { jobRoutes } from './modules/jobs/routes.ts';
import { siteRoutes } from './modules/sites/routes.ts';
import { systemRoutes } from './modules/system/routes.ts';
import { plannerRoutes } from './modules/planner/routes.ts';
import { publisherRoutes } from './modules/publisher/routes.ts';
import { writerRoutes } from './modules/writer/routes.ts';
import { authPlugin } from './plugins/auth.ts';
import { errorsPlugin } from './plugins/errors.ts';
import { clientErrorHandler, frameworkErrors } from './plugins/transport-errors.ts';
import { webAppPlugin } from './plugins/web-app.ts';

export interface BuildAppOptions {
  config: Config;
  /** Every service, built once by the composition root (compose.ts). */
  services: Services;
  /** Secret that verifies access tokens (the same compose.ts signs them with). */
  jwtSecret: string;
  version: string;
  /** A parent logger (pino); the app logs to stdout at config.LOG_LEVEL without one. */
  logger?: Logger;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The whole HTTP API as a Fastify instance that is ready but not listening: main.ts listens, tests use inject().
 */
export async function buildApp(options: BuildAppOptions) {
  const { config, services } = options;
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: loggerOptions(config.LOG_LEVEL) }),
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    // Accept the caller's X-Request-ID when it is a sane token (never echo arbitrary bytes into logs).
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false } },
    // Errors raised before routing (undecodable URLs, over-long path parameters) or by Node's HTTP parser answer in
    // the envelope too.
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();

  // Keep the raw JSON text: signed requests from sites are verified over the exact bytes received.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    request.rawBody = body as string;
    parseJson(request, body as string, done);
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Graceful shutdown: requests in flight finish, but their keep-alive connections must not hold the server open
  // afterwards, so answers sent while closing ask the client to close the connection.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  await app.register(errorsPlugin);
  // Reads the browser session's refresh token cookie (modules/auth/session-cookie.ts); nothing else uses cookies.
  await app.register(cookie);
  await app.register(helmet, {
    // The docs page loads its own scripts and styles; swagger-ui adds their hashes to the CSP (staticCSP).
    contentSecurityPolicy: { useDefaults: true },
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
  await app.register(cors, {
    origin: config.CORS_ORIGINS.length ? config.CORS_ORIGINS : false,
    credentials: false,
    exposedHeaders: ['x-request-id', 'retry-after'],
  });
  await app.register(rateLimit, {
    max: config.RATE_LIMIT_PER_MINUTE,
    timeWindow: '1 minute',
    // Per client IP (behind a proxy, set TRUST_PROXY so this is the real client). In-memory: with several API
    // instances each enforces its own share.
    errorResponseBuilder: (_request, context) =>
      new AppError('RATE_LIMITED', `Too many requests: try again in ${Math.ceil(context.ttl / 1000)} seconds.`, {
        retryAfterSeconds: Math.ceil(context.ttl / 1000),
      }),
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'IGNY8 API',
        version: options.version,
        description:
          'Every answer is an envelope: `{ success: true, data, message? }` or ' +
          '`{ success: false, error, code, requestId, details? }`. Send `Authorization: Bearer <access token or API key>`.',
      },
      servers: config.PUBLIC_URL ? [{ url: config.PUBLIC_URL }] : [],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An access token (JWT) or an API key (igny8_...)' },
          siteSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'X-IGNY8-Signature',
            description: 'Requests from connected WordPress sites, signed as described in docs/connection-protocol.md',
          },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  if (config.DOCS_ENABLED) {
    await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, uiConfig: { deepLinking: true } });
  }

  // The web app (server/web) at /app, with its own Content-Security-Policy and cache headers.
  await app.register(webAppPlugin, { dir: config.WEB_APP_DIR });

  await app.register(authPlugin, {
    principals: services.principals,
    jwtSecret: options.jwtSecret,
    accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
  });

  await app.register(
    async (api) => {
      const { auth, jobs, ai } = services;
      await api.register(authRoutes, {
        prefix: '/auth',
        auth,
        sessions: services.sessions,
        loginRateLimitPerMinute: config.LOGIN_RATE_LIMIT_PER_MINUTE,
      });
      await api.register(recoveryRoutes, {
        prefix: '/auth',
        passwordReset: services.passwordReset,
        emailChange: services.emailChange,
        loginRateLimitPerMinute: config.LOGIN_RATE_LIMIT_PER_MINUTE,
      });
      await api.register(accountRoutes, {
        members: services.members,
        apiKeys: services.apiKeys,
        auth,
        sessions: services.sessions,
        jobs,
        loginRateLimitPerMinute: config.LOGIN_RATE_LIMIT_PER_MINUTE,
      });
      await api.register(siteRoutes, { sites: services.sites, bulk: services.sitesBulk });
      await api.register(connectRoutes, {
        connect: services.connect,
        jobs,
        registerRateLimitPerMinute: config.LOGIN_RATE_LIMIT_PER_MINUTE,
      });
      await api.register(jobRoutes, { jobs });
      await api.register(billingRoutes, { billing: services.billing });
      await api.register(promptRoutes, { prompts: ai.prompts });
      await api.register(aiRunRoutes, { runs: ai.runs, calls: ai.calls });
      await api.register(plannerRoutes, { prefix: '/planner', ...services.planner });
      await api.register(writerRoutes, { prefix: '/writer', ...services.writer });
      await api.register(publisherRoutes, { prefix: '/publisher', ...services.publisher });
      await api.register(automationRoutes, services.automation);
      await api.register(aiRoutes, {
        registry: ai.modelRegistry,
        credentials: ai.credentials,
        modelChoices: ai.modelChoices,
      });
      await api.register(systemRoutes, { system: services.system });
      api.get('/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () => app.swagger());
    },
    { prefix: '/api/v1' },
  );

  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
