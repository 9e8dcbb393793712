import type { FastifyPluginAsync } from 'fastify';
import type { PlannerRouteDeps } from './deps.ts';
import { plannerClustersRoutes } from './routes-clusters.ts';
import { plannerIdeasRoutes } from './routes-ideas.ts';
import { plannerImportRoutes } from './routes-import.ts';
import { plannerKeywordsRoutes } from './routes-keywords.ts';

/** Every /api/v1/planner route; each part of the planner registers its own plugin here. */
export const plannerRoutes: FastifyPluginAsync<PlannerRouteDeps> = async (app, options) => {
  // The options carry app.ts's `prefix: '/planner'`: passed on as is, each part would be mounted at /planner/planner.
  const deps = { ...options, prefix: '' };
  await app.register(plannerImportRoutes, deps);
  await app.register(plannerKeywordsRoutes, deps);
  await app.register(plannerClustersRoutes, deps);
  await app.register(plannerIdeasRoutes, deps);
};
