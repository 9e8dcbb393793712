import type { PrismaClient } from '../../generated/prisma/client.ts';
import { contextFromAccessToken, contextFromApiKey, type AccessTokenClaims, type AuthContext } from './credentials.ts';
import { confineToSite, contextFromSite, type Actor } from './site-principal.ts';

/**
 * Who is calling, from a verified credential: what the auth plugin asks on every request (access tokens, API keys,
 * sites acting for their users), bound to the database once by compose.ts.
 */
export function createPrincipals(prisma: PrismaClient) {
  return {
    fromAccessToken: (claims: AccessTokenClaims) => contextFromAccessToken(prisma, claims),
    fromApiKey: (presented: string) => contextFromApiKey(prisma, presented),
    fromSite: (site: { siteId: string; accountId: string }, actor: Actor) => contextFromSite(prisma, site, actor),
    confineToSite: (auth: AuthContext, siteId: string, request: { params: unknown; query: unknown; body: unknown }) =>
      confineToSite(prisma, auth, siteId, request),
  };
}

export type Principals = ReturnType<typeof createPrincipals>;
