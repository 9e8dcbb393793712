import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ZEmailChangeBody,
  ZEmailChangeConfirmBody,
  ZEmailChangeConfirmed,
  ZPasswordResetBody,
  ZPasswordResetConfirmBody,
} from '@igny8/shared';
import { z } from 'zod';
import { ok, reply } from '../../lib/envelope.ts';
import type { EmailChangeService } from './email-change-service.ts';
import type { PasswordResetService } from './password-reset-service.ts';

export interface RecoveryRoutesOptions {
  passwordReset: PasswordResetService;
  emailChange: EmailChangeService;
  loginRateLimitPerMinute: number;
}

/** Password reset and email change: both prove an address by a single-use link mailed to it. */
export const recoveryRoutes: FastifyPluginAsyncZod<RecoveryRoutesOptions> = async (app, opts) => {
  const { passwordReset, emailChange } = opts;
  const strict = { max: opts.loginRateLimitPerMinute, timeWindow: '1 minute' };

  app.post('/password-reset', {
    config: { auth: 'public', rateLimit: strict },
    schema: {
      tags: ['auth'],
      summary:
        'Mail a password reset link (/app/reset-password?token=...) to this email, when a user has it. The answer is ' +
        'the same either way; at most 3 mails an hour per user',
      body: ZPasswordResetBody,
      response: { 202: reply(z.null()) },
    },
    handler: async (request, res) => {
      await passwordReset.request(request.body.email, request.id);
      return res
        .status(202)
        .send(
          ok(
            null,
            `If a user has ${request.body.email}, a link to choose a new password is on its way. It works for an hour.`,
          ),
        );
    },
  });

  app.post('/password-reset/confirm', {
    config: { auth: 'public', rateLimit: strict },
    schema: {
      tags: ['auth'],
      summary:
        "Set a new password with the reset link's token (works once, for an hour). Every sign-in of the user ends; " +
        '410 PASSWORD_RESET_INVALID for a used, replaced or expired link',
      body: ZPasswordResetConfirmBody,
      response: { 200: reply(z.null()) },
    },
    handler: async (request) => {
      await passwordReset.confirm(request.body);
      return ok(null, 'Your password is changed and every sign-in was ended: sign in with the new password.');
    },
  });

  app.post('/email-change', {
    config: { auth: { scope: null }, rateLimit: strict },
    schema: {
      tags: ['auth'],
      summary:
        "Change the signed-in user's email: mails a confirm link (/app/confirm-email?token=...) to the new address " +
        'and a notice to the current one; the email changes when the link is opened. Needs the current password',
      security: [{ bearer: [] }],
      body: ZEmailChangeBody,
      response: { 202: reply(z.null()) },
    },
    handler: async (request, res) => {
      await emailChange.request(request.auth, request.body, request.id);
      return res
        .status(202)
        .send(
          ok(
            null,
            `Open the link we sent to ${request.body.newEmail} to confirm it (within a day). Until then you sign in ` +
              'with your current address.',
          ),
        );
    },
  });

  app.post('/email-change/confirm', {
    config: { auth: 'public', rateLimit: strict },
    schema: {
      tags: ['auth'],
      summary:
        "Confirm an email change with the link's token (works once, for a day); 410 EMAIL_CHANGE_INVALID for a used " +
        'or expired link, 409 EMAIL_TAKEN when another user took the address meanwhile',
      body: ZEmailChangeConfirmBody,
      response: { 200: reply(ZEmailChangeConfirmed) },
    },
    handler: async (request) => {
      const result = await emailChange.confirm(request.body.token);
      return ok(result, `Your email is now ${result.email}: sign in with it from now on.`);
    },
  });
};
