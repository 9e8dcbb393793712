import type { TEmailChangeBody, TEmailChangeConfirmed } from '@igny8/shared';
import { AppError } from '../../errors.ts';
import { withTransactions } from '../../db/client.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { isUniqueViolation } from '../../lib/prisma-errors.ts';
import { randomToken, sha256, verifyPassword } from '../../lib/secrets.ts';
import type { NotificationsService } from '../notifications/service.ts';
import { emailChangeConfirmMail, emailChangeNoticeMail } from '../notifications/templates.ts';
import type { AuthContext } from './credentials.ts';
import { authData } from './data.ts';

/** A confirm link works for a day. */
export const EMAIL_CHANGE_TTL_HOURS = 24;

export interface EmailChangeServiceDeps {
  prisma: PrismaClient;
  notifications: NotificationsService;
}

const taken = (email: string) =>
  new AppError('EMAIL_TAKEN', `Another user already has ${email}. Choose another address.`, { field: 'newEmail' });

export function createEmailChangeService(deps: EmailChangeServiceDeps) {
  const data = withTransactions(deps.prisma, authData);

  return {
    /**
     * Mails a confirm link to the new address and a notice to the current one. The email changes only when the link
     * is opened, so a typo or someone else's address never locks the user out.
     */
    async request(auth: AuthContext, body: TEmailChangeBody, requestId: string): Promise<void> {
      const user = await data.findUserById(auth.userId);
      if (!user) throw new AppError('UNAUTHENTICATED', 'Your user no longer exists. Sign in again.');
      if (!(await verifyPassword(body.password, user.passwordHash))) {
        throw new AppError('INVALID_CREDENTIALS', 'The password is wrong: give your current password.', {
          field: 'password',
        });
      }
      if (body.newEmail === user.email) {
        throw new AppError('CONFLICT', `${body.newEmail} is already your email address.`, { field: 'newEmail' });
      }
      if (await data.isEmailTaken(body.newEmail)) throw taken(body.newEmail);
      const token = randomToken(32);
      await data.transaction(async (inTx, tx) => {
        const row = await inTx.createUserToken({
          userId: user.id,
          kind: 'email_change',
          tokenHash: sha256(token),
          newEmail: body.newEmail,
          expiresAt: new Date(Date.now() + EMAIL_CHANGE_TTL_HOURS * 3_600_000),
        });
        const link = deps.notifications.appLink('confirm-email', token);
        const common = { accountId: auth.accountId, requestId };
        await deps.notifications.queueMail(tx, {
          ...common,
          dedupeKey: `email_change:${row.id}`,
          kind: 'email_change',
          to: body.newEmail,
          link,
          ...emailChangeConfirmMail({
            name: user.name,
            newEmail: body.newEmail,
            link,
            ttlHours: EMAIL_CHANGE_TTL_HOURS,
          }),
        });
        await deps.notifications.queueMail(tx, {
          ...common,
          dedupeKey: `email_change_notice:${row.id}`,
          kind: 'email_change_notice',
          to: user.email,
          ...emailChangeNoticeMail({ name: user.name, newEmail: body.newEmail }),
        });
      });
    },

    /** Makes the link's address the user's email. The token alone proves it: the link may be opened signed out. */
    async confirm(presented: string): Promise<TEmailChangeConfirmed> {
      const invalid = new AppError(
        'EMAIL_CHANGE_INVALID',
        'This email confirmation link is no longer valid (used or older than a day). Ask for the change again.',
      );
      const token = await data.findUserToken('email_change', sha256(presented));
      if (!token?.newEmail || token.usedAt || token.expiresAt.getTime() <= Date.now()) throw invalid;
      const newEmail = token.newEmail;
      try {
        await data.transaction(async (inTx) => {
          if ((await inTx.consumeUserToken(token.id)) === 0) throw invalid;
          await inTx.setEmail(token.userId, newEmail);
          // Other pending changes were asked for while the old address was current.
          await inTx.retireUserTokens(token.userId, 'email_change');
        });
      } catch (error) {
        if (isUniqueViolation(error, 'email')) throw taken(newEmail);
        throw error;
      }
      return { email: newEmail };
    },
  };
}

export type EmailChangeService = ReturnType<typeof createEmailChangeService>;
