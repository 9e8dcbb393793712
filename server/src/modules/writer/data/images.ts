import type { Db } from '../../../db/client.ts';
import type { Prisma } from '../../../generated/prisma/client.ts';
import { isUniqueViolation } from '../../../lib/prisma-errors.ts';

/** The writer's queries on images: a content's images and those made from the block editor. */
export function imagesData(db: Db) {
  return {
    find(accountId: string, imageId: string) {
      return db.contentImage.findFirst({ where: { id: imageId, accountId } });
    },

    /** A content's images in position order (featured first). */
    listOfContent(accountId: string, contentId: string) {
      return db.contentImage.findMany({ where: { contentId, accountId }, orderBy: { position: 'asc' } });
    },

    /** Changes an image's alt text or title (count 0 when the account has no such image). */
    updateText(accountId: string, imageId: string, data: { altText?: string; title?: string }) {
      return db.contentImage.updateMany({ where: { id: imageId, accountId }, data });
    },

    // --- For the image jobs ---

    /** Rows the job left unfinished become failed with a reason (only pending rows of this job). */
    failPendingOfJob(jobRunId: string, error: string) {
      return db.contentImage.updateMany({
        where: { jobRunId, status: 'pending' },
        data: { status: 'failed', error },
      });
    },

    /** How many images a content has, and how many of them are generated. */
    countOfContent(contentId: string) {
      return Promise.all([
        db.contentImage.count({ where: { contentId } }),
        db.contentImage.count({ where: { contentId, status: 'generated' } }),
      ]);
    },

    /** Replaces a content's images with these (run in a transaction): answers the old rows and the new ones. */
    async replaceOfContent(contentId: string, data: Prisma.ContentImageCreateManyInput[]) {
      const old = await db.contentImage.findMany({ where: { contentId } });
      await db.contentImage.deleteMany({ where: { contentId } });
      const rows = await db.contentImage.createManyAndReturn({
        data,
        select: { id: true, position: true, prompt: true },
      });
      return { old, rows };
    },

    /** The image if it is still pending (not replaced meanwhile), else null. */
    findPending(imageId: string) {
      return db.contentImage.findFirst({ where: { id: imageId, status: 'pending' }, select: { id: true } });
    },

    /** Records what became of a pending image (count 0 when it was replaced meanwhile). */
    recordPending(imageId: string, data: Prisma.ContentImageUpdateManyMutationInput) {
      return db.contentImage.updateMany({ where: { id: imageId, status: 'pending' }, data });
    },

    findIdOfAccount(accountId: string, imageId: string) {
      return db.contentImage.findFirst({ where: { id: imageId, accountId }, select: { id: true } });
    },

    findIdOf(imageId: string) {
      return db.contentImage.findUnique({ where: { id: imageId }, select: { id: true } });
    },

    /** An image without a picture records why an attempt failed (one with a picture keeps it). */
    failUnlessGenerated(accountId: string, imageId: string, error: string) {
      return db.contentImage.updateMany({
        where: { id: imageId, accountId, status: { not: 'generated' } },
        data: { status: 'failed', error },
      });
    },

    delete(imageId: string) {
      return db.contentImage.delete({ where: { id: imageId } });
    },

    create(data: Prisma.ContentImageUncheckedCreateInput) {
      return db.contentImage.create({ data });
    },

    // --- Images made from the block editor ---

    findEditorImage(accountId: string, editorImageId: string) {
      return db.editorImage.findFirst({ where: { id: editorImageId, accountId } });
    },

    /** Creates an editor image's row unless it exists (the route and the job both make sure; the job id is its id). */
    async ensureEditorImage(
      accountId: string,
      id: string,
      fields: { siteId: string; prompt: string; altText: string; wpPostId: number | null },
    ) {
      try {
        await db.editorImage.createMany({
          data: [{ id, accountId, ...fields, status: 'pending', jobRunId: id }],
          skipDuplicates: true,
        });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    },

    /** A pending editor image becomes failed with a reason. */
    failPendingEditorImage(accountId: string, editorImageId: string, error: string) {
      return db.editorImage.updateMany({
        where: { id: editorImageId, accountId, status: 'pending' },
        data: { status: 'failed', error },
      });
    },

    /** Records a made editor image (count 0 when it was deleted meanwhile). */
    recordEditorImage(accountId: string, editorImageId: string, data: Prisma.EditorImageUpdateManyMutationInput) {
      return db.editorImage.updateMany({ where: { id: editorImageId, accountId }, data });
    },

    findEditorImageStatus(accountId: string, editorImageId: string) {
      return db.editorImage.findFirst({ where: { id: editorImageId, accountId }, select: { status: true } });
    },
  };
}
