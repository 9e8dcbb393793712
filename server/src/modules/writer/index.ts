import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { MediaStorage } from '../../lib/media-storage.ts';
import type { AiRunsService } from '../ai/runs-service.ts';
import { createContentsEdit } from './contents-edit.ts';
import { createContentsRead } from './contents-read.ts';
import { createContentsRun } from './contents-run.ts';
import { writerDataAccess } from './data/index.ts';
import type { WriterServiceDeps } from './deps.ts';
import { createEditorImages } from './editor-images.ts';
import { createEditorRewrite } from './editor-rewrite.ts';
import { createImagesEdit } from './images-edit.ts';
import { createImagesRun } from './images-run.ts';
import { createTasksEdit } from './tasks-edit.ts';
import { createTasksWrite } from './tasks-write.ts';

/**
 * The writer's services, built once by compose.ts: tasks (by hand, and writing them with AI), contents (reading,
 * editing, rewriting a section), a content's images, and the block editor's tools. Route plugins take them as is.
 */
export function createWriterServices({
  prisma,
  runs,
  media,
}: {
  prisma: PrismaClient;
  runs: AiRunsService;
  media: MediaStorage;
}) {
  const deps: WriterServiceDeps = { data: writerDataAccess(prisma), runs, media };
  return {
    tasks: { ...createTasksEdit(deps), ...createTasksWrite(deps) },
    contents: { ...createContentsRead(deps), ...createContentsEdit(deps), ...createContentsRun(deps) },
    images: { ...createImagesEdit(deps), ...createImagesRun(deps) },
    editor: { ...createEditorRewrite(deps), ...createEditorImages(deps) },
  };
}

export type WriterServices = ReturnType<typeof createWriterServices>;
export type WriterTasksService = WriterServices['tasks'];
export type WriterContentsService = WriterServices['contents'];
export type WriterImagesService = WriterServices['images'];
export type WriterEditorService = WriterServices['editor'];
