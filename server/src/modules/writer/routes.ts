import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { WriterServices } from './index.ts';
import { writerImagesRoutes } from './routes-images.ts';
import { writerContentRoutes } from './routes-content.ts';
import { writerTasksRoutes } from './routes-tasks.ts';
import { writerEditorRoutes } from './routes-editor.ts';

/** Every route of the writer, under /api/v1/writer, with the services compose.ts built. */
export const writerRoutes: FastifyPluginAsyncZod<WriterServices> = async (app, services) => {
  // The options carry app.ts's `prefix: '/writer'`: passed on as is, each part would be mounted at /writer/writer.
  const options = { ...services, prefix: '' };
  await app.register(writerTasksRoutes, options);
  await app.register(writerContentRoutes, options);
  await app.register(writerImagesRoutes, options);
  await app.register(writerEditorRoutes, options);
};
