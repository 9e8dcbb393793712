import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { WriterRouteDeps } from './deps.ts';

/** Every route of the writer, under /api/v1/writer. */
export const writerRoutes: FastifyPluginAsyncZod<WriterRouteDeps> = async (app, deps) => {
  void app;
  void deps;
};
