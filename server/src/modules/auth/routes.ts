import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  pageOf,
  ZAuthResult,
  ZLoginBody,
  ZLogoutBody,
  ZPageQuery,
  ZRefreshBody,
  ZRegisterBody,
  ZSecurityEvent,
  ZSession,
  ZTokens,
} from '@igny8/shared';
import { z } from 'zod';
import { ok, reply } from '../../lib/envelope.ts';
import type { AuthService } from './service.ts';

export interface AuthRoutesOptions {
  auth: AuthService;
  loginRateLimitPerMinute: number;
}

export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, { auth, loginRateLimitPerMinute }) => {
  // Credential-guessing routes get a much tighter limit than the rest of the API.
  const strict = { max: loginRateLimitPerMinute, timeWindow: '1 minute' };

  app.post('/register', {
    config: { auth: 'public', rateLimit: strict },
    schema: {
      tags: ['auth'],
      summary: 'Create an account and its owner',
      body: ZRegisterBody,
      response: { 201: reply(ZAuthResult) },
    },
    handler: async (request, res) => res.status(201).send(ok(await auth.register(request.body))),
  });

  app.post('/login', {
    config: { auth: 'public', rateLimit: strict },
    schema: {
      tags: ['auth'],
      summary:
        'Sign in with email and password. After LOGIN_MAX_FAILURES failed attempts in a row for one email (from any ' +
        'address), sign-in for it pauses: 429 LOGIN_LOCKED with retry-after; each further pause lasts longer',
      body: ZLoginBody,
      response: { 200: reply(ZAuthResult) },
    },
    handler: async (request) => {
      const { result, notice } = await auth.login(request.body, request.ip);
      return ok(result, notice);
    },
  });

  app.post('/refresh', {
    config: { auth: 'public', rateLimit: strict },
    schema: {
      tags: ['auth'],
      summary: 'Trade a refresh token for new tokens (the old one stops working)',
      body: ZRefreshBody,
      response: { 200: reply(ZTokens) },
    },
    handler: async (request) => ok(await auth.refresh(request.body.refreshToken)),
  });

  app.post('/logout', {
    config: { auth: 'public', rateLimit: strict },
    schema: {
      tags: ['auth'],
      summary: 'End the sign-in this refresh token belongs to',
      body: ZLogoutBody,
      response: { 200: reply(z.null()) },
    },
    handler: async (request) => {
      await auth.logout(request.body.refreshToken);
      return ok(null, 'Signed out.');
    },
  });

  app.get('/security-events', {
    config: { auth: {} },
    schema: {
      tags: ['auth'],
      summary: "The signed-in user's security events (sign-in paused after failed attempts), newest first",
      security: [{ bearer: [] }],
      querystring: ZPageQuery,
      response: { 200: reply(pageOf(ZSecurityEvent)) },
    },
    handler: async (request) => ok(await auth.securityEvents(request.auth, request.query)),
  });

  app.get('/me', {
    config: { auth: {} },
    schema: {
      tags: ['auth'],
      summary: 'The current user, account, role and credential',
      security: [{ bearer: [] }],
      response: { 200: reply(ZSession) },
    },
    handler: async (request) => ok(await auth.session(request.auth)),
  });
};
