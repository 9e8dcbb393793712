import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ZConnectGrant,
  ZConnectGrantBody,
  ZConnectGrantPreview,
  ZConnectGrantPreviewQuery,
  ZConnectRegisterBody,
  ZConnectRegisterResult,
  ZConnectionKey,
  ZCreatedConnectionKey,
  ZHeartbeatBody,
  ZHeartbeatResult,
  ZJobAccepted,
  ZRotateKeyBody,
  ZSiteConnection,
  ZSiteParams,
} from '@igny8/shared';
import { z } from 'zod';
import { ok, reply } from '../../lib/envelope.ts';
import type { JobsService } from '../jobs/service.ts';
import { siteHealthJob } from './contracts.ts';
import type { ConnectedSite, ConnectService } from './service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on routes with `config.auth: 'site'` once the site's signature checked out. */
    connectedSite?: ConnectedSite;
    rawBody?: string;
  }
}

const security = [{ bearer: [] }];
const ZConnectionKeyParams = z.object({
  connectionKeyId: z.uuid({ message: 'must be a connection key id (UUID)' }),
});
const siteSigned = [{ siteSignature: [] }];

export const connectRoutes: FastifyPluginAsyncZod<{
  connect: ConnectService;
  jobs: JobsService;
  registerRateLimitPerMinute: number;
}> = async (app, { connect, jobs, registerRateLimitPerMinute }) => {
  // The auth plugin verifies sites calling account routes for their WordPress users with the same verifier.
  app.setSiteVerifier((request) => connect.verifySiteRequest(request));
  // Requests from sites are verified after the body is read (the signature covers its exact bytes) and before
  // the schema is checked, so an unsigned request learns nothing about the expected body.
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.config?.auth !== 'site') return;
    request.connectedSite = await connect.verifySiteRequest({
      method: request.method,
      host: request.headers.host ?? '',
      url: request.raw.url ?? request.url,
      headers: request.headers,
      rawBody: request.rawBody ?? '',
    });
  });

  app.post('/connection-keys', {
    config: { auth: { role: 'admin', scope: 'sites:write' } },
    schema: {
      tags: ['connect'],
      summary: 'Create a single-use key to connect a WordPress site (paste it into the plugin)',
      security,
      response: { 201: reply(ZCreatedConnectionKey) },
    },
    handler: async (request, res) =>
      res
        .status(201)
        .send(
          ok(await connect.createConnectionKey(request.auth), 'Paste this key into IGNY8 > Connection in wp-admin.'),
        ),
  });

  app.get('/connection-keys', {
    config: { auth: { role: 'admin', scope: 'sites:read' } },
    schema: {
      tags: ['connect'],
      summary:
        "The account's connection keys for headless setups, newest first (never the key itself; one-click connect " +
        'grants are not listed)',
      security,
      response: { 200: reply(z.array(ZConnectionKey)) },
    },
    handler: async (request) => ok(await connect.listConnectionKeys(request.auth)),
  });

  app.delete('/connection-keys/:connectionKeyId', {
    config: { auth: { role: 'admin', scope: 'sites:write' } },
    schema: {
      tags: ['connect'],
      summary: 'Revoke an unused connection key (it stops working at once); 409 CONFLICT for a used or expired one',
      security,
      params: ZConnectionKeyParams,
      response: { 200: reply(z.null()) },
    },
    handler: async (request) => {
      await connect.revokeConnectionKey(request.auth, request.params.connectionKeyId);
      return ok(null, 'Connection key revoked.');
    },
  });

  app.post('/connect/grants', {
    config: { auth: { role: 'admin', scope: 'sites:write' } },
    schema: {
      tags: ['connect'],
      summary:
        'Approve connecting a WordPress site (Connect to IGNY8): a single-use grant for that site URL and state, ' +
        "valid 10 minutes; send the browser to redirectUrl (the site's wp-admin), where the plugin redeems it",
      security,
      body: ZConnectGrantBody,
      response: { 201: reply(ZConnectGrant) },
    },
    handler: async (request, res) =>
      res
        .status(201)
        .send(ok(await connect.createGrant(request.auth, request.body), 'Approved: back to the site to finish.')),
  });

  app.get('/connect/grants/preview', {
    config: { auth: 'public', rateLimit: { max: registerRateLimitPerMinute, timeWindow: '1 minute' } },
    schema: {
      tags: ['connect'],
      summary:
        'Check a Connect to IGNY8 link (site URL and return URL) before signing in: ok, or the problem ' +
        'POST /connect/grants would answer',
      querystring: ZConnectGrantPreviewQuery,
      response: { 200: reply(ZConnectGrantPreview) },
    },
    handler: async (request) => ok(await connect.previewGrant(request.query.siteUrl, request.query.returnUrl)),
  });

  app.post('/connect/register', {
    config: { auth: 'public', rateLimit: { max: registerRateLimitPerMinute, timeWindow: '1 minute' } },
    schema: {
      tags: ['connect'],
      summary:
        'First contact from the plugin (with a connection key, or a grant and its state): verifies the site by ' +
        'calling it back, then exchanges keys',
      body: ZConnectRegisterBody,
      response: { 201: reply(ZConnectRegisterResult) },
    },
    handler: async (request, res) => res.status(201).send(ok(await connect.register(request.body), 'Connected.')),
  });

  app.post('/connect/heartbeat', {
    config: { auth: 'site' },
    schema: {
      tags: ['connect'],
      summary: 'Signed by the site: reports versions, answers the account and credit balance',
      security: siteSigned,
      body: ZHeartbeatBody,
      response: { 200: reply(ZHeartbeatResult) },
    },
    handler: async (request) => ok(await connect.heartbeat(request.connectedSite!, request.body)),
  });

  app.post('/connect/rotate-key', {
    config: { auth: 'site' },
    schema: {
      tags: ['connect'],
      summary: "Signed by the site with its current key: replaces the site's key",
      security: siteSigned,
      body: ZRotateKeyBody,
      response: { 200: reply(z.object({ siteKeyId: z.string() })) },
    },
    handler: async (request) => ok(await connect.rotateSiteKey(request.connectedSite!, request.body), 'Key rotated.'),
  });

  app.post('/connect/disconnect', {
    config: { auth: 'site' },
    schema: {
      tags: ['connect'],
      summary: 'Signed by the site: ends the connection on both sides',
      security: siteSigned,
      response: { 200: reply(z.null()) },
    },
    handler: async (request) => {
      await connect.disconnectedBySite(request.connectedSite!);
      return ok(null, 'Disconnected.');
    },
  });

  app.get('/sites/:siteId/connection', {
    config: { auth: { scope: 'sites:read' } },
    schema: {
      tags: ['connect'],
      summary: "The site's WordPress connection: versions, health, last contact (never key material)",
      security,
      params: ZSiteParams,
      response: { 200: reply(ZSiteConnection) },
    },
    handler: async (request) => ok(await connect.get(request.auth, request.params.siteId)),
  });

  app.delete('/sites/:siteId/connection', {
    config: { auth: { role: 'admin', scope: 'sites:write' } },
    schema: {
      tags: ['connect'],
      summary: 'Disconnect the site (the plugin is told, then both sides forget the keys)',
      security,
      params: ZSiteParams,
      response: { 200: reply(z.object({ connection: ZSiteConnection, siteNotified: z.boolean() })) },
    },
    handler: async (request) => {
      const result = await connect.disconnect(request.auth, request.params.siteId);
      return ok(result, result.siteNotified ? 'Disconnected.' : 'Disconnected here; the site could not be told.');
    },
  });

  app.post('/sites/:siteId/connection/rotate', {
    config: { auth: { role: 'admin', scope: 'sites:write' } },
    schema: {
      tags: ['connect'],
      summary: "Rotate the server's signing key for this site",
      security,
      params: ZSiteParams,
      response: { 200: reply(ZSiteConnection) },
    },
    handler: async (request) => ok(await connect.rotateServerKey(request.auth, request.params.siteId), 'Key rotated.'),
  });

  app.post('/sites/:siteId/connection/check', {
    config: { auth: { role: 'editor', scope: 'sites:write' } },
    schema: {
      tags: ['connect'],
      summary: 'Check the site now (a job: versions and health are updated)',
      security,
      params: ZSiteParams,
      response: { 202: reply(ZJobAccepted) },
    },
    handler: async (request, res) => {
      await connect.get(request.auth, request.params.siteId);
      return res.status(202).send(
        ok(
          await jobs.start(request.auth, request.id, {
            type: siteHealthJob.type,
            payload: { siteId: request.params.siteId },
            siteId: request.params.siteId,
          }),
        ),
      );
    },
  });
};
