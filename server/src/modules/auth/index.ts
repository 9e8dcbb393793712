import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { AccessTokenClaims } from './credentials.ts';
import { createLoginThrottle, type ThrottlePolicy } from './login-throttle.ts';
import { createPrincipals } from './principals.ts';
import { createAuthService } from './service.ts';

export interface AuthServicesDeps {
  prisma: PrismaClient;
  throttlePolicy: ThrottlePolicy;
  signAccessToken: (claims: AccessTokenClaims) => string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  /** Credits granted to every new account at sign-up (0 grants nothing). */
  signupCredits: number;
}

/** The auth module's services: signing in (with its throttle), and who calls, for the auth plugin. */
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
    principals: createPrincipals(prisma),
  };
}
