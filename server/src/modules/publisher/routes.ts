import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { PublisherRouteDeps } from './deps.ts';

/** Every route of the publisher, under /api/v1/publisher. */
export const publisherRoutes: FastifyPluginAsyncZod<PublisherRouteDeps> = async (app, deps) => {
  void app;
  void deps;
};
