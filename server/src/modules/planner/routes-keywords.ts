import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { PlannerRouteDeps } from './deps.ts';

export const plannerKeywordsRoutes: FastifyPluginAsyncZod<PlannerRouteDeps> = async (app, deps) => {
  void app;
  void deps;
};
