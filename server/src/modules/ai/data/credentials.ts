import type { Db } from '../../../db/client.ts';
import type { AiProvider, Prisma } from '../../../generated/prisma/client.ts';

/** Provider API keys (ProviderCredential): the account's own, and the operator's global ones (accountId null). */
export function credentialsData(db: Db) {
  return {
    /** The account's keys, plus the global ones when `withGlobal`, newest first. */
    list(accountId: string, withGlobal: boolean) {
      return db.providerCredential.findMany({
        where: withGlobal ? { OR: [{ accountId }, { accountId: null }] } : { accountId },
        orderBy: { createdAt: 'desc' },
      });
    },

    create(data: Prisma.ProviderCredentialUncheckedCreateInput) {
      return db.providerCredential.create({ data });
    },

    /** A key the account may delete: its own, or also a global one for an operator. */
    findDeletable(accountId: string, id: string, withGlobal: boolean) {
      return db.providerCredential.findFirst({
        where: { id, OR: [{ accountId }, ...(withGlobal ? [{ accountId: null }] : [])] },
      });
    },

    delete(id: string) {
      return db.providerCredential.delete({ where: { id } });
    },

    /** Active keys for a provider that the account may use (its own and global ones), newest first. */
    usable(accountId: string, provider: AiProvider) {
      return db.providerCredential.findMany({
        where: { provider, active: true, OR: [{ accountId }, { accountId: null }] },
        orderBy: { createdAt: 'desc' },
      });
    },
  };
}
