import type { TCreateInvitationBody, TRole } from '@igny8/shared';
import { AppError, errors } from '../../errors.ts';
import { withTransactions } from '../../db/client.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { hashPassword, randomToken, sha256, verifyPassword } from '../../lib/secrets.ts';
import { iso } from '../../lib/serialize.ts';
import { hasRole, type AuthContext } from '../auth/credentials.ts';
import type { NotificationsService } from '../notifications/service.ts';
import { invitationMail } from '../notifications/templates.ts';
import { accountsData, removeMember } from './data.ts';

export interface MembersServiceDeps {
  prisma: PrismaClient;
  invitationTtlHours: number;
  /** Mails invitations (with the link to the web app's accept page). */
  notifications: NotificationsService;
}

function memberView(m: { userId: string; role: TRole; createdAt: Date; user: { email: string; name: string } }) {
  return { userId: m.userId, email: m.user.email, name: m.user.name, role: m.role, createdAt: iso(m.createdAt) };
}

function invitationView(i: {
  id: string;
  email: string;
  role: TRole;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}) {
  return {
    id: i.id,
    email: i.email,
    role: i.role,
    expiresAt: iso(i.expiresAt),
    acceptedAt: iso(i.acceptedAt),
    revokedAt: iso(i.revokedAt),
    createdAt: iso(i.createdAt),
  };
}

export function createMembersService(deps: MembersServiceDeps) {
  const { prisma } = deps;
  const data = withTransactions(prisma, accountsData);

  async function findMember(auth: AuthContext, userId: string) {
    const member = await data.findMember(auth.accountId, userId);
    if (!member) throw errors.notFound('Member', userId);
    return member;
  }

  /** Only owners may create, change or remove owners; an account always keeps one. */
  async function guardOwnerChange(auth: AuthContext, current: TRole, next: TRole | null) {
    if ((current === 'owner' || next === 'owner') && auth.role !== 'owner') throw errors.roleRequired('owner');
    if (current === 'owner' && next !== 'owner') {
      const owners = await data.countOwners(auth.accountId);
      if (owners <= 1) {
        throw new AppError('LAST_OWNER', 'An account needs at least one owner: make someone else owner first.');
      }
    }
  }

  /** Queues the mail with the invitation's link, in the transaction that made or renewed the link. */
  async function queueInvitationMail(
    inTx: ReturnType<typeof accountsData>,
    tx: Parameters<NotificationsService['queueMail']>[0],
    invitationId: string,
    link: string,
    requestId?: string,
  ) {
    const context = await inTx.findInvitationContext(invitationId);
    await deps.notifications.queueMail(tx, {
      accountId: context.accountId,
      // One mail per link: sending again makes a new link, so a new mail.
      dedupeKey: `invitation:${context.id}:${context.tokenHash.slice(0, 16)}`,
      kind: 'invitation',
      to: context.email,
      link,
      ...(requestId ? { requestId } : {}),
      ...invitationMail({
        accountName: context.account.name,
        inviterName: context.invitedBy.name,
        role: context.role,
        link,
        expiresAt: context.expiresAt,
      }),
    });
    return context;
  }

  async function findOpenInvitation(token: string) {
    const invitation = await data.findInvitationByTokenHash(sha256(token));
    if (!invitation || invitation.revokedAt || invitation.acceptedAt || invitation.expiresAt.getTime() <= Date.now()) {
      throw new AppError(
        'INVITATION_INVALID',
        'This invitation link is no longer valid (used, revoked or expired). Ask for a new one.',
      );
    }
    return invitation;
  }

  return {
    async list(auth: AuthContext) {
      const members = await data.listMembers(auth.accountId);
      return members.map(memberView);
    },

    async updateRole(auth: AuthContext, userId: string, role: TRole) {
      const member = await findMember(auth, userId);
      await guardOwnerChange(auth, member.role, role);
      const updated = await data.updateMemberRole(member.id, role);
      return memberView(updated);
    },

    async remove(auth: AuthContext, userId: string) {
      const member = await findMember(auth, userId);
      await guardOwnerChange(auth, member.role, null);
      // Their sign-ins and keys for this account stop working at once.
      await removeMember(prisma, { id: member.id, userId, accountId: auth.accountId });
    },

    /**
     * Invites someone by email: mails them the link to the web app's accept page (/app/invitations/accept?token=...),
     * and answers the same link, for an inviter who passes it on another way.
     */
    async invite(auth: AuthContext, body: TCreateInvitationBody, requestId?: string) {
      if (!hasRole(auth.role, body.role)) throw errors.roleRequired(body.role);
      const existing = await data.findMemberByEmail(auth.accountId, body.email);
      if (existing) throw new AppError('ALREADY_MEMBER', `${body.email} is already a member of this account.`);
      const token = randomToken(32);
      const acceptUrl = deps.notifications.appLink('invitations/accept', token);
      const invitation = await data.transaction(async (inTx, tx) => {
        const created = await inTx.createInvitation({
          accountId: auth.accountId,
          email: body.email,
          role: body.role,
          tokenHash: sha256(token),
          invitedById: auth.userId,
          expiresAt: new Date(Date.now() + deps.invitationTtlHours * 3_600_000),
        });
        await queueInvitationMail(inTx, tx, created.id, acceptUrl, requestId);
        return created;
      });
      return { ...invitationView(invitation), token, acceptUrl };
    },

    /**
     * Sends an invitation that is still open (or has expired) again: a new link and a new validity, mailed again.
     * The old link stops working. An accepted or revoked invitation is not sent again: invite the person anew.
     */
    async resendInvitation(auth: AuthContext, invitationId: string, requestId?: string) {
      const existing = await data.findInvitation(auth.accountId, invitationId);
      if (!existing) throw errors.notFound('Invitation', invitationId);
      const closed = () =>
        new AppError(
          'CONFLICT',
          `Invitation ${invitationId} was already ${existing.acceptedAt ? 'accepted' : 'revoked'}: invite ` +
            `${existing.email} again instead.`,
        );
      if (existing.acceptedAt || existing.revokedAt) throw closed();
      if (!hasRole(auth.role, existing.role)) throw errors.roleRequired(existing.role);
      const token = randomToken(32);
      const acceptUrl = deps.notifications.appLink('invitations/accept', token);
      const expiresAt = new Date(Date.now() + deps.invitationTtlHours * 3_600_000);
      const invitation = await data.transaction(async (inTx, tx) => {
        if ((await inTx.renewInvitation(existing.id, sha256(token), expiresAt)) === 0) throw closed();
        return queueInvitationMail(inTx, tx, existing.id, acceptUrl, requestId);
      });
      return { ...invitationView(invitation), token, acceptUrl };
    },

    async listInvitations(auth: AuthContext) {
      const rows = await data.listInvitations(auth.accountId, 200);
      return rows.map(invitationView);
    },

    async revokeInvitation(auth: AuthContext, invitationId: string) {
      const count = await data.revokeOpenInvitation(auth.accountId, invitationId);
      if (count === 0) {
        const exists = await data.findInvitation(auth.accountId, invitationId);
        if (!exists) throw errors.notFound('Invitation', invitationId);
      }
    },

    async preview(token: string) {
      const invitation = await findOpenInvitation(token);
      const user = await data.findUserByEmail(invitation.email);
      return {
        accountName: invitation.account.name,
        email: invitation.email,
        role: invitation.role,
        expiresAt: iso(invitation.expiresAt),
        existingUser: Boolean(user),
      };
    },

    /**
     * Accepts an invitation: links the existing user with this email (who proves it with their password) or
     * creates the user. Returns the ids to sign them in to the inviting account.
     */
    async accept(token: string, body: { password: string; name?: string | undefined }) {
      const invitation = await findOpenInvitation(token);
      const user = await data.findUserByEmail(invitation.email);
      if (user && !(await verifyPassword(body.password, user.passwordHash))) {
        throw new AppError('INVALID_CREDENTIALS', `The password for ${invitation.email} is wrong.`);
      }
      if (!user && !body.name) {
        throw errors.validation([{ in: 'body', field: 'name', message: 'is required to create your user' }]);
      }
      const passwordHash = user ? null : await hashPassword(body.password);
      return data.transaction(async (inTx) => {
        // Consume the invitation first: of two concurrent accepts only one can win.
        const count = await inTx.consumeInvitation(invitation.id);
        if (count === 0) throw new AppError('INVITATION_INVALID', 'This invitation was already used.');
        const member =
          user ?? (await inTx.createUser({ email: invitation.email, name: body.name!, passwordHash: passwordHash! }));
        await inTx.upsertMember(invitation.accountId, member.id, invitation.role);
        return { userId: member.id, accountId: invitation.accountId };
      });
    },
  };
}

export type MembersService = ReturnType<typeof createMembersService>;
