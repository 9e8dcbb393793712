import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ZAcceptInvitationBody,
  ZApiKey,
  ZAuthResult,
  ZCreateApiKeyBody,
  ZCreatedApiKey,
  ZCreatedInvitation,
  ZCreateInvitationBody,
  ZInvitation,
  ZInvitationPreview,
  ZJobAccepted,
  ZMember,
  ZUpdateMemberBody,
} from '@igny8/shared';
import { z } from 'zod';
import { ok, reply } from '../../lib/envelope.ts';
import { deliverAuthResult, sessionModeHeaders } from '../auth/routes.ts';
import type { AuthService } from '../auth/service.ts';
import type { SessionCookies } from '../auth/session-cookie.ts';
import type { JobsService } from '../jobs/service.ts';
import { accountExportJob } from './contracts.ts';
import type { ApiKeysService } from './api-keys-service.ts';
import type { MembersService } from './members-service.ts';

export interface AccountRoutesOptions {
  members: MembersService;
  apiKeys: ApiKeysService;
  auth: AuthService;
  sessions: SessionCookies;
  jobs: JobsService;
  loginRateLimitPerMinute: number;
}

const ZUserParams = z.object({ userId: z.uuid({ message: 'must be a user id (UUID)' }) });
const ZInvitationParams = z.object({ invitationId: z.uuid({ message: 'must be an invitation id (UUID)' }) });
const ZApiKeyParams = z.object({ apiKeyId: z.uuid({ message: 'must be an API key id (UUID)' }) });
const ZToken = z.strictObject({ token: z.string().min(20).max(200) });
const security = [{ bearer: [] }];

export const accountRoutes: FastifyPluginAsyncZod<AccountRoutesOptions> = async (app, opts) => {
  const { members, apiKeys, auth, sessions, jobs } = opts;

  app.get('/members', {
    config: { auth: { scope: 'members:read' } },
    schema: {
      tags: ['members'],
      summary: 'Members of the account',
      security,
      response: { 200: reply(z.array(ZMember)) },
    },
    handler: async (request) => ok(await members.list(request.auth)),
  });

  app.patch('/members/:userId', {
    config: { auth: { role: 'admin', scope: 'members:write' } },
    schema: {
      tags: ['members'],
      summary: "Change a member's role",
      security,
      params: ZUserParams,
      body: ZUpdateMemberBody,
      response: { 200: reply(ZMember) },
    },
    handler: async (request) => ok(await members.updateRole(request.auth, request.params.userId, request.body.role)),
  });

  app.delete('/members/:userId', {
    config: { auth: { role: 'admin', scope: 'members:write' } },
    schema: {
      tags: ['members'],
      summary: 'Remove a member (their sessions and API keys for this account stop working)',
      security,
      params: ZUserParams,
      response: { 200: reply(z.null()) },
    },
    handler: async (request) => {
      await members.remove(request.auth, request.params.userId);
      return ok(null, 'Member removed.');
    },
  });

  app.get('/invitations', {
    config: { auth: { role: 'admin', scope: 'members:read' } },
    schema: {
      tags: ['members'],
      summary: 'Invitations sent',
      security,
      response: { 200: reply(z.array(ZInvitation)) },
    },
    handler: async (request) => ok(await members.listInvitations(request.auth)),
  });

  app.post('/invitations', {
    config: { auth: { role: 'admin', scope: 'members:write' } },
    schema: {
      tags: ['members'],
      summary:
        'Invite someone by email: mails them the link to accept (/app/invitations/accept?token=...); the answer ' +
        'holds the same link (acceptUrl) to pass on another way',
      security,
      body: ZCreateInvitationBody,
      response: { 201: reply(ZCreatedInvitation) },
    },
    handler: async (request, res) =>
      res
        .status(201)
        .send(
          ok(
            await members.invite(request.auth, request.body, request.id),
            `An invitation is on its way to ${request.body.email}; you may also pass on the acceptUrl.`,
          ),
        ),
  });

  app.post('/invitations/:invitationId/resend', {
    config: { auth: { role: 'admin', scope: 'members:write' } },
    schema: {
      tags: ['members'],
      summary:
        'Send an open or expired invitation again: a new link (the old one stops working) and a new validity, ' +
        'mailed again; 409 CONFLICT for an accepted or revoked one',
      security,
      params: ZInvitationParams,
      response: { 200: reply(ZCreatedInvitation) },
    },
    handler: async (request) => {
      const invitation = await members.resendInvitation(request.auth, request.params.invitationId, request.id);
      return ok(invitation, `A new invitation link is on its way to ${invitation.email}; the old link stops working.`);
    },
  });

  app.delete('/invitations/:invitationId', {
    config: { auth: { role: 'admin', scope: 'members:write' } },
    schema: {
      tags: ['members'],
      summary: 'Revoke an invitation',
      security,
      params: ZInvitationParams,
      response: { 200: reply(z.null()) },
    },
    handler: async (request) => {
      await members.revokeInvitation(request.auth, request.params.invitationId);
      return ok(null, 'Invitation revoked.');
    },
  });

  // The invitee has no credential yet: the token itself proves the invitation. It travels in the body, never the
  // URL, so it is not written to access logs.
  app.post('/invitations/preview', {
    config: { auth: 'public', rateLimit: { max: opts.loginRateLimitPerMinute, timeWindow: '1 minute' } },
    schema: {
      tags: ['members'],
      summary: 'What an invitation is for, before accepting it',
      body: ZToken,
      response: { 200: reply(ZInvitationPreview) },
    },
    handler: async (request) => ok(await members.preview(request.body.token)),
  });

  app.post('/invitations/accept', {
    config: { auth: 'public', rateLimit: { max: opts.loginRateLimitPerMinute, timeWindow: '1 minute' } },
    schema: {
      tags: ['members'],
      summary:
        'Accept an invitation: creates the user, or links an existing one who gives their password; signs them in ' +
        '(X-IGNY8-Session: cookie for the browser session)',
      headers: sessionModeHeaders,
      body: ZAcceptInvitationBody.extend(ZToken.shape),
      response: { 200: reply(ZAuthResult) },
    },
    handler: async (request, res) => {
      if (sessions.wanted(request)) sessions.checkOrigin(request);
      const { token, ...rest } = request.body;
      const ids = await members.accept(token, rest);
      const result = await auth.signIn(ids.userId, ids.accountId);
      return ok(deliverAuthResult(sessions, request, res, result), 'Welcome aboard.');
    },
  });

  app.get('/api-keys', {
    config: { auth: { scope: null } },
    schema: {
      tags: ['api keys'],
      summary: "The account's API keys",
      security,
      response: { 200: reply(z.array(ZApiKey)) },
    },
    handler: async (request) => ok(await apiKeys.list(request.auth)),
  });

  app.post('/api-keys', {
    config: { auth: { scope: null } },
    schema: {
      tags: ['api keys'],
      summary: 'Create an API key; the key is shown in this answer only',
      security,
      body: ZCreateApiKeyBody,
      response: { 201: reply(ZCreatedApiKey) },
    },
    handler: async (request, res) =>
      res
        .status(201)
        .send(ok(await apiKeys.create(request.auth, request.body), 'Copy the key now: it is not shown again.')),
  });

  app.delete('/api-keys/:apiKeyId', {
    config: { auth: { scope: null } },
    schema: {
      tags: ['api keys'],
      summary: 'Revoke an API key',
      security,
      params: ZApiKeyParams,
      response: { 200: reply(ZApiKey) },
    },
    handler: async (request) => ok(await apiKeys.revoke(request.auth, request.params.apiKeyId), 'API key revoked.'),
  });

  app.post('/account/exports', {
    config: { auth: { role: 'admin', scope: 'members:read' } },
    schema: {
      tags: ['account'],
      summary: "Export the account's members, sites and sectors as JSON (a job; poll it)",
      security,
      response: { 202: reply(ZJobAccepted) },
    },
    handler: async (request, res) =>
      res
        .status(202)
        .send(ok(await jobs.start(request.auth, request.id, { type: accountExportJob.type, payload: {} }))),
  });
};
