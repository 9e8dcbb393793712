import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { WriterRouteDeps } from './deps.ts';
import { writerImagesRoutes } from './routes-images.ts';
import { writerContentRoutes } from './routes-content.ts';
import { writerTasksRoutes } from './routes-tasks.ts';
import { writerEditorRoutes } from './routes-editor.ts';

/** Every route of the writer, under /api/v1/writer. */
export const writerRoutes: FastifyPluginAsyncZod<WriterRouteDeps> = async (app, deps) => {
  // The options carry app.ts's `prefix: '/writer'`: passed on as is, each part would be mounted at /writer/writer.
  const options = { ...deps, prefix: '' };
  await app.register(writerTasksRoutes, options);
  await app.register(writerContentRoutes, options);
  await app.register(writerImagesRoutes, options);
  await app.register(writerEditorRoutes, options);
};
