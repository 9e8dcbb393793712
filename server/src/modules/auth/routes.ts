import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  pageOf,
  SESSION,
  ZAuthResult,
  ZLoginBody,
  ZLogoutBody,
  ZPageQuery,
  ZRefreshBody,
  ZRegisterBody,
  ZSecurityEvent,
  ZSession,
  ZSignedOutEverywhere,
  ZSwitchAccountBody,
  ZTokens,
  type TAuthResult,
} from '@igny8/shared';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { ok, reply } from '../../lib/envelope.ts';
import type { AuthService } from './service.ts';
import type { SessionCookies } from './session-cookie.ts';

export interface AuthRoutesOptions {
  auth: AuthService;
  sessions: SessionCookies;
  loginRateLimitPerMinute: number;
}

/** OpenAPI: the header that asks for the browser session (the refresh token as a cookie, not in the body). */
export const sessionModeHeaders = z.object({
  [SESSION.modeHeader]: z
    .literal(SESSION.modeValue)
    .optional()
    .describe(
      `"${SESSION.modeValue}": browser session. The refresh token is set as the httpOnly cookie ${SESSION.cookie} ` +
        `(Path=${SESSION.cookiePath}, SameSite=Strict) instead of answered; the request must come from an allowed ` +
        'Origin (403 CSRF_ORIGIN_REFUSED otherwise)',
    ),
});

const COOKIE_NOTE =
  ` The refresh token may instead come from the ${SESSION.cookie} cookie (browser session): then the request must ` +
  'come from an allowed Origin (403 CSRF_ORIGIN_REFUSED).';

/** Answers an auth result, with the refresh token as the session cookie when the request asked for it. */
export function deliverAuthResult(
  sessions: SessionCookies,
  request: FastifyRequest,
  res: FastifyReply,
  result: TAuthResult,
): TAuthResult {
  if (!sessions.wanted(request)) return result;
  return { ...result, tokens: sessions.deliver(request, res, result.tokens) };
}

/** The refresh token from the body, else from the cookie (checking the request's origin). */
function presentedToken(
  sessions: SessionCookies,
  request: FastifyRequest,
  body: { refreshToken?: string | undefined } | null | undefined,
) {
  const fromBody = body?.refreshToken;
  const fromCookie = fromBody ? undefined : sessions.token(request);
  const cookieMode = sessions.wanted(request) || fromCookie !== undefined;
  if (cookieMode) sessions.checkOrigin(request);
  return { token: fromBody ?? fromCookie, fromCookie: fromCookie !== undefined, cookieMode };
}

const noToken = () =>
  new AppError(
    'REFRESH_TOKEN_INVALID',
    `No refresh token: send it as refreshToken, or sign in with "X-IGNY8-Session: cookie" to get the ${SESSION.cookie} cookie.`,
  );

export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, opts) => {
  const { auth, sessions } = opts;
  // Credential-guessing routes get a much tighter limit than the rest of the API.
  const strict = { max: opts.loginRateLimitPerMinute, timeWindow: '1 minute' };

  app.post('/register', {
    config: { auth: 'public', rateLimit: strict },
    schema: {
      tags: ['auth'],
      summary: 'Create an account and its owner (with the trial credits of SIGNUP_CREDITS)',
      headers: sessionModeHeaders,
      body: ZRegisterBody,
      response: { 201: reply(ZAuthResult) },
    },
    handler: async (request, res) => {
      if (sessions.wanted(request)) sessions.checkOrigin(request);
      const result = await auth.register(request.body);
      return res.status(201).send(ok(deliverAuthResult(sessions, request, res, result)));
    },
  });

  app.post('/login', {
    config: { auth: 'public', rateLimit: strict },
    schema: {
      tags: ['auth'],
      summary:
        'Sign in with email and password. After LOGIN_MAX_FAILURES failed attempts in a row for one email (from any ' +
        'address), sign-in for it pauses: 429 LOGIN_LOCKED with retry-after; each further pause lasts longer',
      headers: sessionModeHeaders,
      body: ZLoginBody,
      response: { 200: reply(ZAuthResult) },
    },
    handler: async (request, res) => {
      if (sessions.wanted(request)) sessions.checkOrigin(request);
      const { result, notice } = await auth.login(request.body, request.ip);
      return ok(deliverAuthResult(sessions, request, res, result), notice);
    },
  });

  app.post('/refresh', {
    config: { auth: 'public', rateLimit: strict },
    schema: {
      tags: ['auth'],
      summary: 'Trade a refresh token for new tokens (the old one stops working).' + COOKIE_NOTE,
      headers: sessionModeHeaders,
      body: ZRefreshBody.nullish(),
      response: { 200: reply(ZTokens) },
    },
    handler: async (request, res) => {
      const presented = presentedToken(sessions, request, request.body);
      if (!presented.token) throw noToken();
      try {
        const tokens = await auth.refresh(presented.token);
        return ok(presented.cookieMode ? sessions.deliver(request, res, tokens) : tokens);
      } catch (error) {
        // A cookie that no longer works is dropped, so the app shows its sign-in page instead of retrying it.
        if (presented.fromCookie) sessions.clear(request, res);
        throw error;
      }
    },
  });

  app.post('/logout', {
    config: { auth: 'public', rateLimit: strict },
    schema: {
      tags: ['auth'],
      summary: 'End the sign-in this refresh token belongs to, and clear the session cookie.' + COOKIE_NOTE,
      headers: sessionModeHeaders,
      body: ZLogoutBody.nullish(),
      response: { 200: reply(z.null()) },
    },
    handler: async (request, res) => {
      const presented = presentedToken(sessions, request, request.body);
      sessions.clear(request, res);
      if (!presented.token) throw noToken();
      await auth.logout(presented.token);
      return ok(null, 'Signed out.');
    },
  });

  app.post('/logout-everywhere', {
    config: { auth: { scope: null } },
    schema: {
      tags: ['auth'],
      summary:
        'End every sign-in of the signed-in user, in every account and on every device (each refresh token family); ' +
        'access tokens already issued work until they expire (ACCESS_TOKEN_TTL_SECONDS)',
      security: [{ bearer: [] }],
      response: { 200: reply(ZSignedOutEverywhere) },
    },
    handler: async (request, res) => {
      const signInsEnded = await auth.logoutEverywhere(request.auth);
      sessions.clear(request, res);
      return ok({ signInsEnded }, 'Signed out everywhere.');
    },
  });

  app.post('/switch-account', {
    config: { auth: { scope: null }, rateLimit: strict },
    schema: {
      tags: ['auth'],
      summary:
        'Switch the signed-in user to another of their accounts: answers new tokens like login (the browser session ' +
        'gets a new cookie) and ends the sign-in of the refresh token presented (refreshToken, or the cookie). 404 ' +
        'for an account the user is not a member of.' +
        COOKIE_NOTE,
      security: [{ bearer: [] }],
      headers: sessionModeHeaders,
      body: ZSwitchAccountBody,
      response: { 200: reply(ZAuthResult) },
    },
    handler: async (request, res) => {
      const presented = presentedToken(sessions, request, request.body);
      const result = await auth.switchAccount(request.auth, request.body.accountId, presented.token);
      return ok(presented.cookieMode ? { ...result, tokens: sessions.deliver(request, res, result.tokens) } : result);
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
