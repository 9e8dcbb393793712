import type { TApiKeyScope, TCreateApiKeyBody } from '@igny8/shared';
import { AppError, errors } from '../../errors.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { sha256 } from '../../lib/secrets.ts';
import { iso } from '../../lib/serialize.ts';
import { API_KEY_PREFIX, hasRole, type AuthContext } from '../auth/credentials.ts';
import { accountsData } from './data.ts';
import { randomBytes } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function alphanumeric(length: number): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  // Rejection sampling keeps every character equally likely.
  for (const byte of bytes) {
    if (byte < 248) out += ALPHANUMERIC[byte % 62];
    if (out.length === length) return out;
  }
  return out + alphanumeric(length - out.length);
}

function view(key: {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}) {
  return {
    id: key.id,
    name: key.name,
    prefix: `${API_KEY_PREFIX}${key.prefix}`,
    scopes: key.scopes as TApiKeyScope[],
    lastUsedAt: iso(key.lastUsedAt),
    expiresAt: iso(key.expiresAt),
    revokedAt: iso(key.revokedAt),
    createdAt: iso(key.createdAt),
  };
}

/** Write scopes need an editor or better; a viewer can only mint read-only keys. */
function checkScopesAllowed(auth: AuthContext, scopes: TApiKeyScope[]) {
  const needsAdmin = scopes.some((s) => s.startsWith('members:write'));
  const needsEditor = scopes.some((s) => s.endsWith(':write'));
  if (needsAdmin && !hasRole(auth.role, 'admin')) throw errors.roleRequired('admin');
  if (needsEditor && !hasRole(auth.role, 'editor')) throw errors.roleRequired('editor');
}

export function createApiKeysService({ prisma }: { prisma: PrismaClient }) {
  const data = accountsData(prisma);
  return {
    async list(auth: AuthContext) {
      const keys = await data.listApiKeys(auth.accountId);
      return keys.map(view);
    },

    /** The full key is in this answer only; we keep its hash. */
    async create(auth: AuthContext, body: TCreateApiKeyBody) {
      checkScopesAllowed(auth, body.scopes);
      const prefix = alphanumeric(12);
      const key = `${API_KEY_PREFIX}${prefix}_${randomBytes(32).toString('base64url')}`;
      const created = await data.createApiKey({
        accountId: auth.accountId,
        createdById: auth.userId,
        name: body.name,
        prefix,
        keyHash: sha256(key),
        scopes: [...new Set(body.scopes)],
        expiresAt: body.expiresInDays ? new Date(Date.now() + body.expiresInDays * 86_400_000) : null,
      });
      return { ...view(created), key };
    },

    async revoke(auth: AuthContext, apiKeyId: string) {
      const key = await data.findApiKey(auth.accountId, apiKeyId);
      if (!key) throw errors.notFound('API key', apiKeyId);
      // Members may revoke their own keys; admins anyone's.
      if (key.createdById !== auth.userId && !hasRole(auth.role, 'admin')) throw errors.roleRequired('admin');
      if (key.revokedAt) throw new AppError('CONFLICT', `API key ${apiKeyId} is already revoked.`);
      return view(await data.revokeApiKey(key.id));
    },
  };
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>;
