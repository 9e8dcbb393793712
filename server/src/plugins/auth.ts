import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { SIGNATURE_HEADERS, type TApiKeyScope, type TRole } from '@igny8/shared';
import { AppError, errors } from '../errors.ts';
import {
  API_KEY_PREFIX,
  hasRole,
  hasScope,
  type AccessTokenClaims,
  type AuthContext,
} from '../modules/auth/credentials.ts';
import type { Principals } from '../modules/auth/principals.ts';
import { actorOf, checkSiteRoute, signedUrlWithActor, type TSiteScope } from '../modules/auth/site-principal.ts';
import type { SiteRequest } from '../modules/connect/service.ts';

/**
 * What a route requires. Every /api/v1 route must declare one (checked when routes are registered):
 * - 'public': no credential;
 * - 'site': a request signed by a connected WordPress site (verified by the connect module);
 * - { role?, scope?, operator? }: a member of the account with at least `role`; an API key also needs `scope`;
 *   `operator` admits only service operators signed in as users. `scope: null` means API keys may not call it.
 *   A connected WordPress site may also call these routes, signed, for one of its users (site-principal.ts): it
 *   needs `scope` like an API key (or `siteScope`, on a route API keys call without a scope), and is kept to its
 *   own site.
 */
export type RouteAuth =
  'public' | 'site' | { role?: TRole; scope?: TApiKeyScope | null; siteScope?: TSiteScope; operator?: boolean };

/** One registered API route and what it requires: used by tests that must cover every route. */
export interface CatalogedRoute {
  method: string;
  url: string;
  auth: RouteAuth;
}

/** Checks a site's request signature (the connect module's verifier); answers the site and its account. */
export type SiteVerifier = (request: SiteRequest) => Promise<{ siteId: string; accountId: string }>;

declare module 'fastify' {
  interface FastifyInstance {
    routeCatalog: CatalogedRoute[];
    /**
     * Called once by the connect module, which owns site keys and nonces: until then site-signed requests to
     * account routes are refused.
     */
    setSiteVerifier(verifier: SiteVerifier): void;
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    /** Set on every authenticated route before its handler runs. */
    auth: AuthContext;
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AccessTokenClaims;
    user: AccessTokenClaims;
  }
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, token] = header.split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !token) {
    throw new AppError('UNAUTHENTICATED', 'Send the credential as "Authorization: Bearer <access token or API key>".');
  }
  return token;
}

export interface AuthPluginOptions {
  /** Establishes who calls from their credential (modules/auth, built by compose.ts). */
  principals: Principals;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
}

export const authPlugin = fp(async (app: FastifyInstance, options: AuthPluginOptions) => {
  await app.register(fastifyJwt, {
    secret: options.jwtSecret,
    sign: { algorithm: 'HS256', expiresIn: options.accessTokenTtlSeconds },
    // Only the algorithm we sign with is accepted, whatever the token's header names.
    verify: { algorithms: ['HS256'] },
  });
  app.decorateRequest('auth', null as unknown as AuthContext);

  const catalog: CatalogedRoute[] = [];
  app.decorate('routeCatalog', catalog);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1')) return;
    const auth = route.config?.auth;
    if (auth === undefined) throw new Error(`Route ${route.method} ${route.url} must declare config.auth`);
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') catalog.push({ method, url: route.url, auth });
    }
  });

  let verifySite: SiteVerifier | undefined;
  app.decorate('setSiteVerifier', (verifier: SiteVerifier) => {
    verifySite = verifier;
  });
  const isSiteSigned = (request: FastifyRequest) => request.headers[SIGNATURE_HEADERS.signature] !== undefined;

  app.addHook('onRequest', async (request) => {
    const required = request.routeOptions.config?.auth;
    if (required === undefined || required === 'public' || required === 'site') return;
    if (isSiteSigned(request)) {
      if (request.headers.authorization !== undefined) {
        throw new AppError('UNAUTHENTICATED', 'Send either a bearer credential or a site signature, not both.');
      }
      return; // The signature covers the body: checked in preValidation, once the body is read.
    }
    const token = bearer(request);
    if (!token) throw errors.unauthenticated();
    let context: AuthContext;
    if (token.startsWith(API_KEY_PREFIX)) {
      if (required.scope === null || required.operator) {
        throw new AppError('FORBIDDEN', 'API keys cannot call this route; sign in as a user.');
      }
      context = await options.principals.fromApiKey(token);
    } else {
      let claims: AccessTokenClaims;
      try {
        claims = app.jwt.verify<AccessTokenClaims>(token);
      } catch (error) {
        if ((error as { code?: string }).code === 'FAST_JWT_EXPIRED') {
          throw new AppError(
            'TOKEN_EXPIRED',
            'The access token has expired: get a new one with POST /api/v1/auth/refresh.',
          );
        }
        throw new AppError('TOKEN_INVALID', 'The access token is not valid. Sign in again.');
      }
      context = await options.principals.fromAccessToken(claims);
    }
    if (required.operator && !context.isOperator) throw errors.operatorRequired();
    if (required.role && !hasRole(context.role, required.role)) throw errors.roleRequired(required.role);
    if (
      context.credential.kind === 'apiKey' &&
      required.scope &&
      !hasScope(context.credential.scopes, required.scope)
    ) {
      throw errors.insufficientScope(required.scope);
    }
    request.auth = context;
  });

  // A connected site calling an account route for one of its WordPress users (docs/connection-protocol.md).
  app.addHook('preValidation', async (request) => {
    const required = request.routeOptions.config?.auth;
    if (required === undefined || typeof required === 'string' || !isSiteSigned(request)) return;
    if (!verifySite) throw new AppError('SIGNATURE_INVALID', 'This server does not accept signed requests from sites.');
    const length = request.headers['content-length'];
    const hasBody = (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
    if (hasBody && request.rawBody === undefined) {
      // Only JSON bodies are kept as bytes, so only they can be checked against the signed hash.
      throw new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        'Signed requests from sites carry JSON bodies only (Content-Type: application/json).',
      );
    }
    const actor = actorOf(request.headers);
    const site = await verifySite({
      method: request.method,
      host: request.headers.host ?? '',
      url: signedUrlWithActor(request.raw.url ?? request.url, actor),
      headers: request.headers,
      rawBody: request.rawBody ?? '',
    });
    const context = await options.principals.fromSite(site, actor);
    if (context.credential.kind !== 'site') throw errors.unauthenticated();
    checkSiteRoute(required, request.method, request.routeOptions.url ?? '', context.credential, hasScope);
    if (required.role && !hasRole(context.role, required.role)) throw errors.roleRequired(required.role);
    await options.principals.confineToSite(context, site.siteId, request);
    request.auth = context;
    request.log.info(
      { siteId: site.siteId, wpUserId: actor.wpUserId, wpRole: actor.level },
      'request from a WordPress user through the site',
    );
  });
});
