// The cookie plugin (registered in app.ts) adds request.cookies and reply.setCookie to Fastify's types.
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION, type TTokens } from '@igny8/shared';
import { AppError } from '../../errors.ts';

export interface SessionCookiesOptions {
  /** PUBLIC_URL (or the address the server listens on): its origin may use the cookie. */
  publicUrl: string;
  /** SESSION_ALLOWED_ORIGINS: more origins that may use the cookie. */
  allowedOrigins: string[];
  /** REFRESH_TOKEN_TTL_DAYS: the cookie lives as long as the refresh token. */
  refreshTokenTtlDays: number;
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/**
 * The browser session (see SESSION in @igny8/shared): the refresh token in an httpOnly, SameSite=Strict cookie that
 * only the auth routes receive, so no script can read it and no other page can use it. SameSite keeps it off
 * cross-site requests; the Origin check refuses the rest (a sibling subdomain counts as same-site), so a page
 * elsewhere can neither use the cookie nor plant one (sign-in CSRF).
 */
export function createSessionCookies(options: SessionCookiesOptions) {
  const allowed = new Set([originOf(options.publicUrl), ...options.allowedOrigins].filter(Boolean));
  const maxAge = options.refreshTokenTtlDays * 86_400;

  function cookieOptions(request: FastifyRequest) {
    return {
      path: SESSION.cookiePath,
      httpOnly: true,
      sameSite: 'strict' as const,
      // Behind a TLS-terminating proxy, request.protocol follows X-Forwarded-Proto when TRUST_PROXY trusts it.
      secure: request.protocol === 'https',
    };
  }

  return {
    /** True when the request asks for the cookie session (`X-IGNY8-Session: cookie`). */
    wanted(request: FastifyRequest): boolean {
      return request.headers[SESSION.modeHeader] === SESSION.modeValue;
    },

    /** The refresh token in the cookie, if any. */
    token(request: FastifyRequest): string | undefined {
      const value = request.cookies[SESSION.cookie];
      return value ? value : undefined;
    },

    /**
     * Refuses a request that uses or asks for the cookie unless it comes from an allowed origin: the server's own
     * (PUBLIC_URL, or the scheme and host the request came to), or one in SESSION_ALLOWED_ORIGINS. Browsers send
     * `Origin` with every POST; `Referer` stands in when it is missing. A request naming neither is refused.
     */
    checkOrigin(request: FastifyRequest): void {
      const origin = originOf(request.headers.origin) ?? originOf(request.headers.referer);
      const own = originOf(`${request.protocol}://${request.host}`);
      if (origin && (origin === own || allowed.has(origin))) return;
      throw new AppError(
        'CSRF_ORIGIN_REFUSED',
        origin
          ? `The sign-in cookie cannot be used from ${origin}: only the IGNY8 app's own pages may use it. To allow ` +
              'another origin, add it to SESSION_ALLOWED_ORIGINS.'
          : 'The sign-in cookie can only be used by a request that says where it comes from (an Origin or Referer ' +
              'header): browsers send one.',
        { origin: origin ?? null },
      );
    },

    /** Sets the cookie to the new refresh token and answers the tokens without it. */
    deliver(request: FastifyRequest, reply: FastifyReply, tokens: TTokens): TTokens {
      const { refreshToken, ...rest } = tokens;
      if (refreshToken) reply.setCookie(SESSION.cookie, refreshToken, { ...cookieOptions(request), maxAge });
      return rest;
    },

    clear(request: FastifyRequest, reply: FastifyReply): void {
      reply.clearCookie(SESSION.cookie, cookieOptions(request));
    },
  };
}

export type SessionCookies = ReturnType<typeof createSessionCookies>;
