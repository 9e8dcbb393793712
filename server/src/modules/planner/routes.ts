import type { FastifyPluginAsync } from 'fastify';
import { plannerClustersRoutes } from './routes-clusters.ts';
import { plannerIdeasRoutes } from './routes-ideas.ts';
import { plannerImportRoutes } from './routes-import.ts';
import { plannerKeywordsRoutes } from './routes-keywords.ts';
import type { PlannerServices } from './index.ts';

/** Every /api/v1/planner route; each part of the planner registers its own plugin here. */
export const plannerRoutes: FastifyPluginAsync<PlannerServices> = async (app, options) => {
  // The options carry app.ts's `prefix: '/planner'`: passed on as is, each part would be mounted at /planner/planner.
  const services = { ...options, prefix: '' };
  await app.register(plannerImportRoutes, services);
  await app.register(plannerKeywordsRoutes, services);
  await app.register(plannerClustersRoutes, services);
  await app.register(plannerIdeasRoutes, services);
};
