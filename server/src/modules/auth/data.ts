import type { TRole } from '@igny8/shared';
import type { Db } from '../../db/client.ts';
import type { LoginThrottle, Prisma, UserTokenKind } from '../../generated/prisma/client.ts';
import { afterCursor, newestFirst } from '../../lib/pagination.ts';

/** The auth module's queries: users, sign-ins (refresh tokens), security events and the sign-in throttle. */
export function authData(db: Db) {
  return {
    findUserWithAccounts(userId: string) {
      return db.user.findUniqueOrThrow({
        where: { id: userId },
        include: { memberships: { include: { account: true }, orderBy: { createdAt: 'asc' } } },
      });
    },

    findUserByEmailWithMemberships(email: string) {
      return db.user.findUnique({ where: { email }, include: { memberships: { orderBy: { createdAt: 'asc' } } } });
    },

    /** The user with each account they belong to (operator commands). */
    findUserByEmailWithAccountNames(email: string) {
      return db.user.findUnique({
        where: { email },
        include: { memberships: { orderBy: { createdAt: 'asc' }, include: { account: { select: { name: true } } } } },
      });
    },

    async setOperator(email: string, isOperator: boolean): Promise<number> {
      const { count } = await db.user.updateMany({ where: { email }, data: { isOperator } });
      return count;
    },

    touchLastLogin(userId: string) {
      return db.user.update({ where: { id: userId }, data: { lastLoginAt: new Date() } });
    },

    findMembershipWithUser(accountId: string, userId: string) {
      return db.membership.findUniqueOrThrow({
        where: { accountId_userId: { accountId, userId } },
        include: { user: true },
      });
    },

    findMembership(accountId: string, userId: string) {
      return db.membership.findUnique({ where: { accountId_userId: { accountId, userId } } });
    },

    /** A new user owning a new account (sign-up). */
    async createOwner(user: { email: string; name: string; passwordHash: string }, accountName: string) {
      const created = await db.user.create({ data: user });
      const account = await db.account.create({ data: { name: accountName } });
      await db.membership.create({ data: { accountId: account.id, userId: created.id, role: 'owner' } });
      return { userId: created.id, accountId: account.id };
    },

    createRefreshToken(data: Prisma.RefreshTokenUncheckedCreateInput) {
      return db.refreshToken.create({ data });
    },

    findRefreshToken(tokenHash: string) {
      return db.refreshToken.findUnique({ where: { tokenHash } });
    },

    revokeTokenFamily(familyId: string) {
      return db.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: new Date() } });
    },

    /** Marks the token rotated unless it was rotated or revoked meanwhile; 0 when a concurrent refresh won. */
    async rotateRefreshToken(tokenId: string): Promise<number> {
      const { count } = await db.refreshToken.updateMany({
        where: { id: tokenId, rotatedAt: null, revokedAt: null },
        data: { rotatedAt: new Date() },
      });
      return count;
    },

    /**
     * Ends every sign-in of the user, in every account (password reset, sign-out everywhere); answers how many were
     * live (families with a token that still worked).
     */
    async revokeUserRefreshTokens(userId: string): Promise<number> {
      const now = new Date();
      const live = await db.refreshToken.findMany({
        where: { userId, revokedAt: null, rotatedAt: null, expiresAt: { gt: now } },
        distinct: ['familyId'],
        select: { familyId: true },
      });
      await db.refreshToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } });
      return live.length;
    },

    findUserById(userId: string) {
      return db.user.findUnique({ where: { id: userId } });
    },

    isEmailTaken(email: string) {
      return db.user.count({ where: { email } }).then((n) => n > 0);
    },

    setPassword(userId: string, passwordHash: string) {
      return db.user.update({ where: { id: userId }, data: { passwordHash } });
    },

    setEmail(userId: string, email: string) {
      return db.user.update({ where: { id: userId }, data: { email } });
    },

    // Single-use tokens mailed to users (password reset, email change)

    createUserToken(data: Prisma.UserTokenUncheckedCreateInput) {
      return db.userToken.create({ data });
    },

    findUserToken(kind: UserTokenKind, tokenHash: string) {
      return db.userToken.findFirst({ where: { kind, tokenHash } });
    },

    /** Tokens of `kind` made for the user since `since` (to limit how many mails one address gets). */
    countUserTokensSince(userId: string, kind: UserTokenKind, since: Date) {
      return db.userToken.count({ where: { userId, kind, createdAt: { gte: since } } });
    },

    /** Marks the token used unless it was used or expired meanwhile; 0 when another request won. */
    async consumeUserToken(tokenId: string): Promise<number> {
      const now = new Date();
      const { count } = await db.userToken.updateMany({
        where: { id: tokenId, usedAt: null, expiresAt: { gt: now } },
        data: { usedAt: now },
      });
      return count;
    },

    /** Retires the user's other open tokens of `kind` (a new password makes older reset links useless). */
    retireUserTokens(userId: string, kind: UserTokenKind) {
      return db.userToken.updateMany({ where: { userId, kind, usedAt: null }, data: { usedAt: new Date() } });
    },

    listSecurityEvents(userId: string, cursor: string | undefined, take: number) {
      return db.securityEvent.findMany({
        where: { userId, ...afterCursor(cursor) },
        orderBy: newestFirst,
        take,
      });
    },

    createSecurityEvent(data: Prisma.SecurityEventUncheckedCreateInput) {
      return db.securityEvent.create({ data });
    },

    /** The email's throttle row, created when missing and locked for the rest of the transaction (`db` is one). */
    async lockThrottle(emailHash: string): Promise<LoginThrottle> {
      await db.$executeRaw`INSERT INTO "LoginThrottle" ("emailHash", "updatedAt") VALUES (${emailHash}, ${new Date()}) ON CONFLICT DO NOTHING`;
      const [row] = await db.$queryRaw<
        LoginThrottle[]
      >`SELECT * FROM "LoginThrottle" WHERE "emailHash" = ${emailHash} FOR UPDATE`;
      return row!;
    },

    saveThrottle(emailHash: string, state: Prisma.LoginThrottleUpdateInput) {
      return db.loginThrottle.update({ where: { emailHash }, data: state });
    },

    /** Forgets the email's throttle; answers how many pauses it had. */
    async clearThrottle(emailHash: string): Promise<number> {
      const [row] = await db.$queryRaw<{ pauses: number }[]>`
        DELETE FROM "LoginThrottle" WHERE "emailHash" = ${emailHash} RETURNING "pauses"`;
      return row?.pauses ?? 0;
    },
  };
}

export type AuthData = ReturnType<typeof authData>;

// The credential checks on every request (credentials.ts, site-principal.ts): plain functions on the client.

/** The member's role, the account's status and the user's operator flag, in one joined query. */
export async function findMemberContext(db: Db, userId: string, accountId: string) {
  const [membership] = await db.$queryRaw<{ role: TRole; status: string; isOperator: boolean }[]>`
    SELECT m.role::text AS role, a.status::text AS status, u."isOperator"
    FROM "Membership" m
    JOIN "Account" a ON a.id = m."accountId"
    JOIN "User" u ON u.id = m."userId"
    WHERE m."accountId" = ${accountId}::uuid AND m."userId" = ${userId}::uuid`;
  return membership;
}

export function findApiKeyByPrefix(db: Db, prefix: string) {
  return db.apiKey.findUnique({ where: { prefix } });
}

export function touchApiKey(db: Db, apiKeyId: string) {
  return db.apiKey.update({ where: { id: apiKeyId }, data: { lastUsedAt: new Date() } });
}

/** Who connected the site (the latest used connection key), their role and the account's status. */
export async function findSiteConnector(db: Db, siteId: string, accountId: string) {
  const [row] = await db.$queryRaw<{ userId: string; role: TRole; status: string }[]>`
    SELECT k."createdById" AS "userId", m.role::text AS role, a.status::text AS status
    FROM "ConnectionKey" k
    JOIN "Account" a ON a.id = k."accountId"
    LEFT JOIN "Membership" m ON m."accountId" = k."accountId" AND m."userId" = k."createdById"
    WHERE k."siteId" = ${siteId}::uuid AND k."accountId" = ${accountId}::uuid AND k."usedAt" IS NOT NULL
    ORDER BY k."usedAt" DESC
    LIMIT 1`;
  return row;
}

/** Where a resource's site is found: its own table, or (`via`) the parent row it belongs to. */
export interface SiteOwner {
  table: string;
  via?: { column: string; table: string };
}

/**
 * The site of the account's resource `id` in `owner.table` (none when it has none, nothing when it is not the
 * account's). Table and column names come from the caller's fixed map, never from a request.
 */
export function findResourceSite(db: Db, owner: SiteOwner, id: string, accountId: string) {
  const sql = owner.via
    ? `SELECT p."siteId"::text AS "siteId" FROM "${owner.table}" r JOIN "${owner.via.table}" p ` +
      `ON p.id = r."${owner.via.column}" WHERE r.id = $1::uuid AND r."accountId" = $2::uuid`
    : `SELECT "siteId"::text AS "siteId" FROM "${owner.table}" WHERE id = $1::uuid AND "accountId" = $2::uuid`;
  return db.$queryRawUnsafe<{ siteId: string | null }[]>(sql, id, accountId);
}
