import type { TRole } from '@igny8/shared';
import type { Prisma, PrismaClient } from '../../generated/prisma/client.ts';
import type { Db } from '../../db/client.ts';

/** The accounts module's queries: accounts, members, invitations and API keys. */
export function accountsData(db: Db) {
  return {
    findAccount(accountId: string) {
      return db.account.findUniqueOrThrow({ where: { id: accountId } });
    },

    /** Every account with its size, newest first (the operator's overview). */
    listAccountsWithCounts(take: number) {
      return db.account.findMany({
        orderBy: { createdAt: 'desc' },
        take,
        include: { _count: { select: { memberships: true, sites: true } } },
      });
    },

    // Members

    findMember(accountId: string, userId: string) {
      return db.membership.findUnique({
        where: { accountId_userId: { accountId, userId } },
        include: { user: true },
      });
    },

    /** Members with their email and name, oldest first (the account export). */
    listMembersForExport(accountId: string) {
      return db.membership.findMany({
        where: { accountId },
        include: { user: { select: { email: true, name: true } } },
        orderBy: { createdAt: 'asc' },
      });
    },

    countOwners(accountId: string) {
      return db.membership.count({ where: { accountId, role: 'owner' } });
    },

    listMembers(accountId: string) {
      return db.membership.findMany({
        where: { accountId },
        include: { user: true },
        orderBy: { createdAt: 'asc' },
      });
    },

    updateMemberRole(membershipId: string, role: TRole) {
      return db.membership.update({ where: { id: membershipId }, data: { role }, include: { user: true } });
    },

    findMemberByEmail(accountId: string, email: string) {
      return db.membership.findFirst({ where: { accountId, user: { email } } });
    },

    upsertMember(accountId: string, userId: string, role: TRole) {
      return db.membership.upsert({
        where: { accountId_userId: { accountId, userId } },
        create: { accountId, userId, role },
        update: {},
      });
    },

    findUserByEmail(email: string) {
      return db.user.findUnique({ where: { email } });
    },

    createUser(data: { email: string; name: string; passwordHash: string }) {
      return db.user.create({ data });
    },

    // Invitations

    findInvitationByTokenHash(tokenHash: string) {
      return db.invitation.findUnique({ where: { tokenHash }, include: { account: true } });
    },

    findInvitation(accountId: string, invitationId: string) {
      return db.invitation.findFirst({ where: { id: invitationId, accountId } });
    },

    /** The invitation with the account's name and the inviter's, for the invitation mail. */
    findInvitationContext(invitationId: string) {
      return db.invitation.findUniqueOrThrow({
        where: { id: invitationId },
        include: { account: { select: { name: true } }, invitedBy: { select: { name: true } } },
      });
    },

    createInvitation(data: Prisma.InvitationUncheckedCreateInput) {
      return db.invitation.create({ data });
    },

    listInvitations(accountId: string, take: number) {
      return db.invitation.findMany({ where: { accountId }, orderBy: { createdAt: 'desc' }, take });
    },

    async revokeOpenInvitation(accountId: string, invitationId: string): Promise<number> {
      const { count } = await db.invitation.updateMany({
        where: { id: invitationId, accountId, revokedAt: null, acceptedAt: null },
        data: { revokedAt: new Date() },
      });
      return count;
    },

    /** A new link (token) and validity for an invitation still open; 0 when it was accepted or revoked meanwhile. */
    async renewInvitation(invitationId: string, tokenHash: string, expiresAt: Date): Promise<number> {
      const { count } = await db.invitation.updateMany({
        where: { id: invitationId, revokedAt: null, acceptedAt: null },
        data: { tokenHash, expiresAt },
      });
      return count;
    },

    /** Marks the invitation accepted unless it was used or revoked meanwhile; 0 when another accept won. */
    async consumeInvitation(invitationId: string): Promise<number> {
      const { count } = await db.invitation.updateMany({
        where: { id: invitationId, acceptedAt: null, revokedAt: null },
        data: { acceptedAt: new Date() },
      });
      return count;
    },

    // API keys

    listApiKeys(accountId: string) {
      return db.apiKey.findMany({ where: { accountId }, orderBy: { createdAt: 'desc' } });
    },

    createApiKey(data: Prisma.ApiKeyUncheckedCreateInput) {
      return db.apiKey.create({ data });
    },

    findApiKey(accountId: string, apiKeyId: string) {
      return db.apiKey.findFirst({ where: { id: apiKeyId, accountId } });
    },

    revokeApiKey(apiKeyId: string) {
      return db.apiKey.update({ where: { id: apiKeyId }, data: { revokedAt: new Date() } });
    },
  };
}

/**
 * Removes a member; their sign-ins and keys for this account stop working at once (one batch transaction, so this
 * takes the client, not an open transaction).
 */
export function removeMember(prisma: PrismaClient, member: { id: string; userId: string; accountId: string }) {
  const { userId, accountId } = member;
  return prisma.$transaction([
    prisma.membership.delete({ where: { id: member.id } }),
    prisma.refreshToken.updateMany({
      where: { userId, accountId, revokedAt: null },
      data: { revokedAt: new Date() },
    }),
    prisma.apiKey.updateMany({
      where: { createdById: userId, accountId, revokedAt: null },
      data: { revokedAt: new Date() },
    }),
  ]);
}

export type AccountsData = ReturnType<typeof accountsData>;
