import type { Db } from '../../db/client.ts';
import type { Prisma } from '../../generated/prisma/client.ts';

/** The connect module's queries: connection keys, site connections and request nonces. */
export function connectData(db: Db) {
  return {
    createConnectionKey(data: Prisma.ConnectionKeyUncheckedCreateInput) {
      return db.connectionKey.create({ data });
    },

    findConnectionKey(keyHash: string) {
      return db.connectionKey.findUnique({ where: { keyHash }, include: { account: true } });
    },

    /** Marks the key used unless it was used meanwhile; 0 when a concurrent handshake won. */
    async consumeConnectionKey(keyId: string): Promise<number> {
      const { count } = await db.connectionKey.updateMany({
        where: { id: keyId, usedAt: null },
        data: { usedAt: new Date() },
      });
      return count;
    },

    /**
     * The account's manual connection keys, newest first, with who made them and the site each connected.
     * Grants (boundSiteUrl set) belong to one-click connects, not to this list.
     */
    async listManualConnectionKeys(accountId: string, take: number) {
      const keys = await db.connectionKey.findMany({
        where: { accountId, boundSiteUrl: null },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take,
      });
      const userIds = [...new Set(keys.map((k) => k.createdById))];
      const siteIds = [...new Set(keys.flatMap((k) => (k.siteId ? [k.siteId] : [])))];
      const [users, sites] = await Promise.all([
        userIds.length ? db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true } }) : [],
        siteIds.length
          ? db.site.findMany({ where: { id: { in: siteIds }, accountId }, select: { id: true, name: true } })
          : [],
      ]);
      return {
        keys,
        users: new Map(users.map((u) => [u.id, u.name])),
        sites: new Map(sites.map((s) => [s.id, s.name])),
      };
    },

    findManualConnectionKey(accountId: string, keyId: string) {
      return db.connectionKey.findFirst({ where: { id: keyId, accountId, boundSiteUrl: null } });
    },

    /** Ends an unused key now (it expires at once); 0 when it was used or had expired meanwhile. */
    async expireConnectionKey(keyId: string): Promise<number> {
      const now = new Date();
      const { count } = await db.connectionKey.updateMany({
        where: { id: keyId, usedAt: null, expiresAt: { gt: now } },
        data: { expiresAt: now },
      });
      return count;
    },

    linkConnectionKey(keyId: string, siteId: string) {
      return db.connectionKey.update({ where: { id: keyId }, data: { siteId } });
    },

    /** The account's site's connection, with the site. */
    findConnection(accountId: string, siteId: string) {
      return db.siteConnection.findFirst({ where: { siteId, accountId }, include: { site: true } });
    },

    /** A site's connection whatever its account (the site's own signed requests name it). */
    findConnectionOfSite(siteId: string) {
      return db.siteConnection.findUnique({ where: { siteId }, include: { site: true } });
    },

    upsertConnection(siteId: string, connection: Omit<Prisma.SiteConnectionUncheckedCreateInput, 'siteId'>) {
      return db.siteConnection.upsert({
        where: { siteId },
        create: { siteId, ...connection },
        update: connection,
      });
    },

    updateConnection(siteId: string, data: Prisma.SiteConnectionUncheckedUpdateInput) {
      return db.siteConnection.update({ where: { siteId }, data });
    },

    createNonce(data: Prisma.ConnectionNonceUncheckedCreateInput) {
      return db.connectionNonce.create({ data });
    },

    deleteExpiredNonces() {
      return db.connectionNonce.deleteMany({ where: { expiresAt: { lt: new Date() } } });
    },
  };
}

export type ConnectData = ReturnType<typeof connectData>;
