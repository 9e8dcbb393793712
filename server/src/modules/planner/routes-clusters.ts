import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  pageOf,
  ZCluster,
  ZClusterDetail,
  ZClusterParams,
  ZClusterRunAccepted,
  ZClustersQuery,
  ZMergeClustersBody,
  ZMoveKeywordsBody,
  ZRenameClusterBody,
  ZRunClustersBody,
  ZSplitClusterBody,
} from '@igny8/shared';
import { z } from 'zod';
import { ok, reply } from '../../lib/envelope.ts';
import type { PlannerServices } from './index.ts';

const security = [{ bearer: [] }];
const tags = ['planner'];
const read = { scope: 'planner:read' } as const;
const write = { role: 'editor', scope: 'planner:write' } as const;

export const plannerClustersRoutes: FastifyPluginAsyncZod<PlannerServices> = async (
  app,
  { clustersRun, clustersRead, clustersEdit },
) => {
  app.post('/clusters/run', {
    config: { auth: write },
    schema: {
      tags,
      summary:
        'Cluster keywords of a sector: lexical (local, free), embedding (lexical refined with embeddings) or ai; as a job',
      description:
        "Default keywords: the sector's keywords in no cluster with status new. AI runs hold the estimated credits " +
        '(402 when the balance is short) and are charged what they used. Embedding runs need an embedding model ' +
        '(an OpenAI key; 422 without one) and are paid like AI runs for the keywords not embedded before (each ' +
        "keyword's embedding is cached per account, so re-clustering is free). Send Idempotency-Key to make " +
        'retries safe.',
      security,
      headers: z.object({ 'idempotency-key': z.string().min(8).max(200).optional() }),
      body: ZRunClustersBody,
      response: { 202: reply(ZClusterRunAccepted) },
    },
    handler: async (request, res) =>
      res
        .status(202)
        .send(
          ok(await clustersRun.startRun(request.auth, request.id, request.body, request.headers['idempotency-key'])),
        ),
  });

  app.get('/clusters', {
    config: { auth: read },
    schema: {
      tags,
      summary: "A site's clusters with their metrics",
      security,
      querystring: ZClustersQuery,
      response: { 200: reply(pageOf(ZCluster)) },
    },
    handler: async (request) => ok(await clustersRead.list(request.auth, request.query)),
  });

  app.post('/clusters/merge', {
    config: { auth: write },
    schema: {
      tags,
      summary: 'Merge clusters of one sector into the one with the most volume',
      security,
      body: ZMergeClustersBody,
      response: { 200: reply(ZClusterDetail) },
    },
    handler: async (request) => ok(await clustersEdit.merge(request.auth, request.body.clusterIds, request.body.name)),
  });

  app.get('/clusters/:clusterId', {
    config: { auth: read },
    schema: {
      tags,
      summary: 'A cluster with its first 500 keywords by volume',
      security,
      params: ZClusterParams,
      response: { 200: reply(ZClusterDetail) },
    },
    handler: async (request) => ok(await clustersRead.get(request.auth, request.params.clusterId)),
  });

  app.patch('/clusters/:clusterId', {
    config: { auth: write },
    schema: {
      tags,
      summary: 'Rename a cluster',
      security,
      params: ZClusterParams,
      body: ZRenameClusterBody,
      response: { 200: reply(ZClusterDetail) },
    },
    handler: async (request) =>
      ok(await clustersEdit.rename(request.auth, request.params.clusterId, request.body.name)),
  });

  app.post('/clusters/:clusterId/split', {
    config: { auth: write },
    schema: {
      tags,
      summary: 'Move some keywords of a cluster into a new cluster',
      security,
      params: ZClusterParams,
      body: ZSplitClusterBody,
      response: { 201: reply(ZClusterDetail) },
    },
    handler: async (request, res) =>
      res
        .status(201)
        .send(
          ok(
            await clustersEdit.split(
              request.auth,
              request.params.clusterId,
              request.body.keywordIds,
              request.body.name,
            ),
          ),
        ),
  });

  app.post('/clusters/:clusterId/keywords', {
    config: { auth: write },
    schema: {
      tags,
      summary: 'Move keywords of the same sector into a cluster',
      security,
      params: ZClusterParams,
      body: ZMoveKeywordsBody,
      response: { 200: reply(ZClusterDetail) },
    },
    handler: async (request) =>
      ok(await clustersEdit.addKeywords(request.auth, request.params.clusterId, request.body.keywordIds)),
  });

  app.delete('/clusters/:clusterId', {
    config: { auth: write },
    schema: {
      tags,
      summary: 'Delete a cluster; its keywords leave it (status clustered goes back to new)',
      security,
      params: ZClusterParams,
      response: { 200: reply(z.null()) },
    },
    handler: async (request) => {
      await clustersEdit.remove(request.auth, request.params.clusterId);
      return ok(null, 'Cluster deleted; its keywords are unclustered.');
    },
  });
};
