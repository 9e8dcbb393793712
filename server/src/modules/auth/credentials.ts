import { ROLE_RANK, type TApiKeyScope, type TRole } from '@igny8/shared';
import { AppError } from '../../errors.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { safeEqualHex, sha256 } from '../../lib/secrets.ts';
import { findApiKeyByPrefix, findMemberContext, touchApiKey } from './data.ts';
import type { SiteCredential } from './site-principal.ts';

/** Who is calling, established from a verified credential. Every tenant query is scoped by `accountId`. */
export interface AuthContext {
  userId: string;
  accountId: string;
  role: TRole;
  isOperator: boolean;
  /** `site`: a connected WordPress site acting for one of its users (site-principal.ts). */
  credential: { kind: 'user' } | { kind: 'apiKey'; apiKeyId: string; scopes: TApiKeyScope[] } | SiteCredential;
}

export const API_KEY_PREFIX = 'igny8_';
const API_KEY_PATTERN = /^igny8_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface AccessTokenClaims {
  sub: string;
  acc: string;
}

/**
 * The caller's role and flags, checked on every request so removing a member or suspending an account takes
 * effect at once. One joined query: Prisma's nested select costs three round trips on this hot path.
 */
async function memberContext(prisma: PrismaClient, userId: string, accountId: string) {
  const membership = await findMemberContext(prisma, userId, accountId);
  if (!membership) {
    throw new AppError(
      'UNAUTHENTICATED',
      'This credential no longer belongs to a member of the account. Sign in again.',
    );
  }
  if (membership.status === 'suspended') {
    throw new AppError('ACCOUNT_SUSPENDED', 'This account is suspended. Contact the service operator.');
  }
  return membership;
}

export async function contextFromAccessToken(prisma: PrismaClient, claims: AccessTokenClaims): Promise<AuthContext> {
  const membership = await memberContext(prisma, claims.sub, claims.acc);
  return {
    userId: claims.sub,
    accountId: claims.acc,
    role: membership.role,
    isOperator: membership.isOperator,
    credential: { kind: 'user' },
  };
}

// lastUsedAt is informational: write it at most once a minute per key instead of on every request.
const LAST_USED_RESOLUTION_MS = 60_000;

export async function contextFromApiKey(prisma: PrismaClient, presented: string): Promise<AuthContext> {
  const match = API_KEY_PATTERN.exec(presented);
  const invalid = new AppError('API_KEY_INVALID', 'The API key is not valid.');
  if (!match) throw invalid;
  const key = await findApiKeyByPrefix(prisma, match[1]!);
  if (!key || !safeEqualHex(key.keyHash, sha256(presented))) throw invalid;
  if (key.revokedAt) throw new AppError('API_KEY_REVOKED', `The API key ${key.prefix} was revoked.`);
  if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) {
    throw new AppError('API_KEY_REVOKED', `The API key ${key.prefix} expired on ${key.expiresAt.toISOString()}.`);
  }
  // A key acts with its creator's current role: demoting or removing the member limits or stops their keys.
  const membership = await memberContext(prisma, key.createdById, key.accountId);
  if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await touchApiKey(prisma, key.id);
  }
  return {
    userId: key.createdById,
    accountId: key.accountId,
    role: membership.role,
    isOperator: false,
    credential: { kind: 'apiKey', apiKeyId: key.id, scopes: key.scopes as TApiKeyScope[] },
  };
}

export function hasRole(role: TRole, required: TRole): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[required];
}

/** `area:write` implies `area:read`. */
export function hasScope<S extends string>(scopes: readonly S[], required: S): boolean {
  if (scopes.includes(required)) return true;
  const [area, level] = required.split(':');
  return level === 'read' && scopes.includes(`${area}:write` as S);
}
