import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  pageOf,
  ZAddKeywordsBody,
  ZAddKeywordsResult,
  ZJobAccepted,
  ZKeyword,
  ZKeywordBulkBody,
  ZKeywordBulkResult,
  ZKeywordCount,
  ZKeywordParams,
  ZKeywordsCountQuery,
  ZKeywordsExportQuery,
  ZKeywordsQuery,
  ZPageQuery,
  ZSitePost,
  ZSiteParams,
  ZUpdateKeywordBody,
} from '@igny8/shared';
import { z } from 'zod';
import { ok, reply } from '../../lib/envelope.ts';
import type { PlannerServices } from './index.ts';

const security = [{ bearer: [] }];
const read = { scope: 'planner:read' } as const;
const write = { role: 'editor', scope: 'planner:write' } as const;

export const plannerKeywordsRoutes: FastifyPluginAsyncZod<PlannerServices> = async (
  app,
  { keywordsRead, keywordsEdit, sitePosts },
) => {
  app.get('/keywords', {
    config: { auth: read },
    schema: {
      tags: ['planner'],
      summary: "A site's keywords: filters, sort (default highest volume first) and cursor pages",
      security,
      querystring: ZKeywordsQuery,
      response: { 200: reply(pageOf(ZKeyword)) },
    },
    handler: async (request) => ok(await keywordsRead.list(request.auth, request.query)),
  });

  app.get('/keywords/count', {
    config: { auth: read },
    schema: {
      tags: ['planner'],
      summary: 'How many keywords of a site the same filters match',
      security,
      querystring: ZKeywordsCountQuery,
      response: { 200: reply(ZKeywordCount) },
    },
    handler: async (request) => ok(await keywordsRead.count(request.auth, request.query)),
  });

  app.get('/keywords/export.csv', {
    config: { auth: read },
    schema: {
      tags: ['planner'],
      summary: 'The keywords the filters match, as a CSV file (streamed, in the list order)',
      security,
      querystring: ZKeywordsExportQuery,
    },
    handler: async (request, res) => {
      const rows = keywordsRead.stream(request.auth, request.query);
      // Fail before the first byte (unknown site, bad ranges) so the caller gets an error envelope, not a file.
      const first = await rows.next();
      async function* records() {
        let r = first;
        while (!r.done) {
          const k = r.value;
          yield [k.keyword, k.volume, k.difficulty, k.cpc, k.intent, k.status, k.clusterName ?? '', k.source];
          r = await rows.next();
        }
      }
      const csv = Readable.from(records()).pipe(
        stringify({
          header: true,
          columns: ['keyword', 'volume', 'difficulty', 'cpc', 'intent', 'status', 'cluster', 'source'],
        }),
      );
      const date = new Date().toISOString().slice(0, 10);
      return res
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="keywords-${date}.csv"`)
        .send(csv);
    },
  });

  app.post('/keywords', {
    config: { auth: write },
    schema: {
      tags: ['planner'],
      summary: 'Add keywords by hand (up to 1000): ones already in the sector are skipped and listed by row',
      security,
      body: ZAddKeywordsBody,
      response: { 201: reply(ZAddKeywordsResult) },
    },
    handler: async (request, res) => res.status(201).send(ok(await keywordsEdit.add(request.auth, request.body))),
  });

  app.post('/keywords/bulk', {
    config: { auth: write },
    schema: {
      tags: ['planner'],
      summary:
        'Delete, set the status of, or (un)assign a cluster to many keywords (listed, or all matching a filter) at once',
      security,
      body: ZKeywordBulkBody,
      response: { 200: reply(ZKeywordBulkResult) },
    },
    handler: async (request) => ok(await keywordsEdit.bulk(request.auth, request.body)),
  });

  app.patch('/keywords/:keywordId', {
    config: { auth: write },
    schema: {
      tags: ['planner'],
      summary: "Change a keyword's metrics, intent or status",
      security,
      params: ZKeywordParams,
      body: ZUpdateKeywordBody,
      response: { 200: reply(ZKeyword) },
    },
    handler: async (request) => ok(await keywordsEdit.update(request.auth, request.params.keywordId, request.body)),
  });

  app.delete('/keywords/:keywordId', {
    config: { auth: write },
    schema: {
      tags: ['planner'],
      summary: 'Delete a keyword',
      security,
      params: ZKeywordParams,
      response: { 200: reply(z.null()) },
    },
    handler: async (request) => {
      await keywordsEdit.remove(request.auth, request.params.keywordId);
      return ok(null, 'Keyword deleted.');
    },
  });

  app.post('/sites/:siteId/posts/sync', {
    config: { auth: write },
    schema: {
      tags: ['planner'],
      summary: "Read the connected site's post and page titles and slugs, then refresh the cannibalization flags",
      security,
      params: ZSiteParams,
      response: { 202: reply(ZJobAccepted) },
    },
    handler: async (request, res) => {
      const started = await sitePosts.startSync(request.auth, request.id, request.params.siteId);
      return res.status(202).send(ok(started));
    },
  });

  app.get('/sites/:siteId/posts', {
    config: { auth: read },
    schema: {
      tags: ['planner'],
      summary: "The site's posts and pages as last synced from WordPress, by WordPress id",
      security,
      params: ZSiteParams,
      querystring: ZPageQuery,
      response: { 200: reply(pageOf(ZSitePost)) },
    },
    handler: async (request) => ok(await sitePosts.list(request.auth, request.params.siteId, request.query)),
  });
};
