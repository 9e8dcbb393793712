import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { AccessTokenClaims } from './credentials.ts';
import { createLoginThrottle, type ThrottlePolicy } from './login-throttle.ts';
import { createPrincipals } from './principals.ts';
import type { NotificationsService } from '../notifications/service.ts';
import { createEmailChangeService } from './email-change-service.ts';
import { createPasswordResetService } from './password-reset-service.ts';
import { createAuthService } from './service.ts';
import { createSessionCookies } from './session-cookie.ts';

export interface AuthServicesDeps {
  prisma: PrismaClient;
  throttlePolicy: ThrottlePolicy;
  signAccessToken: (claims: AccessTokenClaims) => string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  /** Credits granted to every new account at sign-up (0 grants nothing). */
  signupCredits: number;
  /** Queues the mails of password resets and email changes. */
  notifications: NotificationsService;
  /** PUBLIC_URL and SESSION_ALLOWED_ORIGINS: the origins that may use the browser session cookie. */
  publicUrl: string;
  sessionAllowedOrigins: string[];
}

/**
 * The auth module's services: signing in (with its throttle), the browser session cookie, password reset and email
 * change, and who calls, for the auth plugin.
 */
export function createAuthServices(deps: AuthServicesDeps) {
  const { prisma } = deps;
  return {
    auth: createAuthService({
      prisma,
      throttle: createLoginThrottle({ prisma, policy: deps.throttlePolicy }),
      signAccessToken: deps.signAccessToken,
      accessTokenTtlSeconds: deps.accessTokenTtlSeconds,
      refreshTokenTtlDays: deps.refreshTokenTtlDays,
      signupCredits: deps.signupCredits,
    }),
    passwordReset: createPasswordResetService({ prisma, notifications: deps.notifications }),
    emailChange: createEmailChangeService({ prisma, notifications: deps.notifications }),
    sessions: createSessionCookies({
      publicUrl: deps.publicUrl,
      allowedOrigins: deps.sessionAllowedOrigins,
      refreshTokenTtlDays: deps.refreshTokenTtlDays,
    }),
    principals: createPrincipals(prisma),
  };
}
