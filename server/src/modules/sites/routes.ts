import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  pageOf,
  ZCreateSectorBody,
  ZCreateSiteBody,
  ZPageQuery,
  ZSector,
  ZSectorParams,
  ZSite,
  ZSiteParams,
  ZSitesBulkBody,
  ZSitesBulkResult,
  ZSitesOverviewPage,
  ZSitesOverviewQuery,
  ZUpdateSectorBody,
  ZUpdateSiteBody,
} from '@igny8/shared';
import { z } from 'zod';
import { ok, reply } from '../../lib/envelope.ts';
import type { SitesBulkService } from './bulk.ts';
import type { SitesService } from './service.ts';

const security = [{ bearer: [] }];

export const siteRoutes: FastifyPluginAsyncZod<{ sites: SitesService; bulk: SitesBulkService }> = async (
  app,
  { sites, bulk },
) => {
  app.get('/sites/overview', {
    config: { auth: { scope: 'sites:read' } },
    schema: {
      tags: ['sites'],
      summary:
        'The agency view: every site with its connection health and versions, pipeline counts, credits used this ' +
        'month (UTC) and failed jobs (last 30 days); searched (q), filtered, sorted and paged by the server',
      security,
      querystring: ZSitesOverviewQuery,
      response: { 200: reply(ZSitesOverviewPage) },
    },
    handler: async (request) => ok(await sites.overview(request.auth, request.query)),
  });

  // Checking needs the editor role (as POST /sites/:siteId/connection/check), disconnecting the admin role (the
  // service checks it, as DELETE /sites/:siteId/connection does).
  app.post('/sites/bulk', {
    config: { auth: { role: 'editor', scope: 'sites:write' } },
    schema: {
      tags: ['sites'],
      summary:
        "Check the connection of, disconnect, start or pause automation on several sites at once: a result per site in the product's words " +
        '(checking or disconnecting a site of another account is 404 and nothing is done; starting or pausing ' +
        'automation gives that id a not-found result and goes ahead with the others; automation needs the admin role, ' +
        'and an API key automation:write too)',
      security,
      body: ZSitesBulkBody,
      response: { 200: reply(ZSitesBulkResult) },
    },
    handler: async (request) => {
      const result = await bulk.bulk(request.auth, request.body, request.id);
      return ok(result, `${result.succeeded} of ${result.results.length} sites done.`);
    },
  });

  app.get('/sites', {
    config: { auth: { scope: 'sites:read' } },
    schema: {
      tags: ['sites'],
      summary: 'Sites of the account, newest first',
      security,
      querystring: ZPageQuery,
      response: { 200: reply(pageOf(ZSite)) },
    },
    handler: async (request) => ok(await sites.list(request.auth, request.query)),
  });

  app.post('/sites', {
    config: { auth: { role: 'admin', scope: 'sites:write' } },
    schema: {
      tags: ['sites'],
      summary: 'Add a site',
      security,
      body: ZCreateSiteBody,
      response: { 201: reply(ZSite) },
    },
    handler: async (request, res) => res.status(201).send(ok(await sites.create(request.auth, request.body))),
  });

  app.get('/sites/:siteId', {
    config: { auth: { scope: 'sites:read' } },
    schema: { tags: ['sites'], summary: 'A site', security, params: ZSiteParams, response: { 200: reply(ZSite) } },
    handler: async (request) => ok(await sites.get(request.auth, request.params.siteId)),
  });

  app.patch('/sites/:siteId', {
    config: { auth: { role: 'admin', scope: 'sites:write' } },
    schema: {
      tags: ['sites'],
      summary: 'Change a site',
      security,
      params: ZSiteParams,
      body: ZUpdateSiteBody,
      response: { 200: reply(ZSite) },
    },
    handler: async (request) => ok(await sites.update(request.auth, request.params.siteId, request.body)),
  });

  app.delete('/sites/:siteId', {
    config: { auth: { role: 'admin', scope: 'sites:write' } },
    schema: {
      tags: ['sites'],
      summary: 'Delete a site and its sectors',
      security,
      params: ZSiteParams,
      response: { 200: reply(z.null()) },
    },
    handler: async (request) => {
      await sites.remove(request.auth, request.params.siteId);
      return ok(null, 'Site deleted.');
    },
  });

  app.get('/sites/:siteId/sectors', {
    config: { auth: { scope: 'sites:read' } },
    schema: {
      tags: ['sectors'],
      summary: "A site's sectors",
      security,
      params: ZSiteParams,
      response: { 200: reply(z.array(ZSector)) },
    },
    handler: async (request) => ok(await sites.listSectors(request.auth, request.params.siteId)),
  });

  app.post('/sites/:siteId/sectors', {
    config: { auth: { role: 'editor', scope: 'sites:write' } },
    schema: {
      tags: ['sectors'],
      summary: 'Add a sector to a site',
      security,
      params: ZSiteParams,
      body: ZCreateSectorBody,
      response: { 201: reply(ZSector) },
    },
    handler: async (request, res) =>
      res.status(201).send(ok(await sites.createSector(request.auth, request.params.siteId, request.body))),
  });

  app.get('/sites/:siteId/sectors/:sectorId', {
    config: { auth: { scope: 'sites:read' } },
    schema: {
      tags: ['sectors'],
      summary: 'A sector',
      security,
      params: ZSectorParams,
      response: { 200: reply(ZSector) },
    },
    handler: async (request) => ok(await sites.getSector(request.auth, request.params.siteId, request.params.sectorId)),
  });

  app.patch('/sites/:siteId/sectors/:sectorId', {
    config: { auth: { role: 'editor', scope: 'sites:write' } },
    schema: {
      tags: ['sectors'],
      summary: 'Change a sector',
      security,
      params: ZSectorParams,
      body: ZUpdateSectorBody,
      response: { 200: reply(ZSector) },
    },
    handler: async (request) =>
      ok(await sites.updateSector(request.auth, request.params.siteId, request.params.sectorId, request.body)),
  });

  app.delete('/sites/:siteId/sectors/:sectorId', {
    config: { auth: { role: 'editor', scope: 'sites:write' } },
    schema: {
      tags: ['sectors'],
      summary: 'Delete a sector',
      security,
      params: ZSectorParams,
      response: { 200: reply(z.null()) },
    },
    handler: async (request) => {
      await sites.removeSector(request.auth, request.params.siteId, request.params.sectorId);
      return ok(null, 'Sector deleted.');
    },
  });
};
