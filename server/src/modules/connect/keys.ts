import type { TConnectionKey } from '@igny8/shared';
import { AppError, errors } from '../../errors.ts';
import { iso } from '../../lib/serialize.ts';
import type { AuthContext } from '../auth/credentials.ts';
import { connectData } from './data.ts';
import type { ConnectServiceDeps } from './service.ts';

/** The most keys the list shows: keys are single use and short-lived, so older ones matter little. */
const LIST_LIMIT = 200;

function status(key: { usedAt: Date | null; expiresAt: Date }, now: number): TConnectionKey['status'] {
  if (key.usedAt) return 'used';
  return key.expiresAt.getTime() <= now ? 'expired' : 'unused';
}

/**
 * The manual connection keys of headless setups (pasted into the plugin): listing and revoking them. Creating one is
 * in handshake.ts, beside the handshake that redeems it.
 */
export function createConnectionKeys(deps: ConnectServiceDeps) {
  const data = connectData(deps.prisma);
  return {
    async listConnectionKeys(auth: AuthContext): Promise<TConnectionKey[]> {
      const { keys, users, sites } = await data.listManualConnectionKeys(auth.accountId, LIST_LIMIT);
      const now = Date.now();
      return keys.map((key) => ({
        id: key.id,
        status: status(key, now),
        createdByName: users.get(key.createdById) ?? null,
        siteId: key.siteId,
        siteName: key.siteId ? (sites.get(key.siteId) ?? null) : null,
        expiresAt: iso(key.expiresAt),
        usedAt: iso(key.usedAt),
        createdAt: iso(key.createdAt),
      }));
    },

    /** An unused key stops working at once; a used one already did its job (disconnect the site instead). */
    async revokeConnectionKey(auth: AuthContext, keyId: string): Promise<void> {
      const key = await data.findManualConnectionKey(auth.accountId, keyId);
      if (!key) throw errors.notFound('Connection key', keyId);
      if ((await data.expireConnectionKey(key.id)) === 0) {
        throw new AppError(
          'CONFLICT',
          key.usedAt
            ? `Connection key ${keyId} was already used to connect a site: it cannot connect another. To cut that ` +
                "site off, disconnect it from the site's page."
            : `Connection key ${keyId} has already expired.`,
        );
      }
    },
  };
}
