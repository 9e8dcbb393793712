import type { TPasswordResetConfirmBody } from '@igny8/shared';
import { AppError } from '../../errors.ts';
import { withTransactions } from '../../db/client.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { hashPassword, randomToken, sha256 } from '../../lib/secrets.ts';
import type { NotificationsService } from '../notifications/service.ts';
import { passwordResetMail } from '../notifications/templates.ts';
import { authData } from './data.ts';

/** A reset link works for an hour. */
export const PASSWORD_RESET_TTL_MINUTES = 60;
/** At most this many reset mails an hour for one user, however many addresses ask (no mail-bombing through us). */
export const PASSWORD_RESET_MAILS_PER_HOUR = 3;

export interface PasswordResetServiceDeps {
  prisma: PrismaClient;
  notifications: NotificationsService;
}

export function createPasswordResetService(deps: PasswordResetServiceDeps) {
  const data = withTransactions(deps.prisma, authData);
  const invalid = () =>
    new AppError(
      'PASSWORD_RESET_INVALID',
      'This password reset link is no longer valid (used, replaced by a newer one, or older than an hour). ' +
        'Ask for a new one.',
    );

  return {
    /**
     * Mails a reset link when a user has this email. Says nothing either way: the caller answers the same whether or
     * not the email exists.
     */
    async request(email: string, requestId: string): Promise<void> {
      const user = await data.findUserByEmailWithMemberships(email);
      // A user in no account cannot sign in at all, so a new password would not help them.
      const accountId = user?.memberships[0]?.accountId;
      if (!user || !accountId) return;
      const hourAgo = new Date(Date.now() - 3_600_000);
      if ((await data.countUserTokensSince(user.id, 'password_reset', hourAgo)) >= PASSWORD_RESET_MAILS_PER_HOUR)
        return;
      const token = randomToken(32);
      await data.transaction(async (inTx, tx) => {
        const row = await inTx.createUserToken({
          userId: user.id,
          kind: 'password_reset',
          tokenHash: sha256(token),
          expiresAt: new Date(Date.now() + PASSWORD_RESET_TTL_MINUTES * 60_000),
        });
        const link = deps.notifications.appLink('reset-password', token);
        await deps.notifications.queueMail(tx, {
          accountId,
          dedupeKey: `password_reset:${row.id}`,
          kind: 'password_reset',
          to: user.email,
          link,
          requestId,
          ...passwordResetMail({ name: user.name, link, ttlMinutes: PASSWORD_RESET_TTL_MINUTES }),
        });
      });
    },

    /**
     * Sets the new password with a reset link's token. The token works once; the user's other reset links stop
     * working, and every sign-in of the user ends (whoever knew the old password is signed out).
     */
    async confirm(body: TPasswordResetConfirmBody): Promise<void> {
      const token = await data.findUserToken('password_reset', sha256(body.token));
      if (!token || token.usedAt || token.expiresAt.getTime() <= Date.now()) throw invalid();
      const passwordHash = await hashPassword(body.password);
      await data.transaction(async (inTx) => {
        // Consume first: of two concurrent confirms only one wins.
        if ((await inTx.consumeUserToken(token.id)) === 0) throw invalid();
        await inTx.setPassword(token.userId, passwordHash);
        await inTx.retireUserTokens(token.userId, 'password_reset');
        await inTx.revokeUserRefreshTokens(token.userId);
      });
    },
  };
}

export type PasswordResetService = ReturnType<typeof createPasswordResetService>;
