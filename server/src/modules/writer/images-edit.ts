import type { TUpdateImageBody } from '@igny8/shared';
import { errors } from '../../errors.ts';
import type { AuthContext } from '../auth/credentials.ts';
import type { WriterDataAccess } from './data/index.ts';
import type { WriterServiceDeps } from './deps.ts';
import { imageView, storedImageFile } from './images.ts';

/** The account's content with what its images need of its task; 404 when it has none such. */
export async function findImagesContent(data: WriterDataAccess, auth: AuthContext, contentId: string) {
  const content = await data.contents.findForImages(auth.accountId, contentId);
  if (!content) throw errors.notFound('Content', contentId);
  return content;
}

export async function findImage(data: WriterDataAccess, auth: AuthContext, imageId: string) {
  const image = await data.images.find(auth.accountId, imageId);
  if (!image) throw errors.notFound('Image', imageId);
  return image;
}

/** A content's images as they are: listing, one image, its file, and edits of alt text and title. */
export function createImagesEdit({ data, media }: Pick<WriterServiceDeps, 'data' | 'media'>) {
  return {
    /** A content's images in position order (featured first). */
    async list(auth: AuthContext, contentId: string) {
      await findImagesContent(data, auth, contentId);
      const rows = await data.images.listOfContent(auth.accountId, contentId);
      return rows.map(imageView);
    },

    async get(auth: AuthContext, imageId: string) {
      return imageView(await findImage(data, auth, imageId));
    },

    /** The image's bytes; 404 until it is generated (or when its file is gone from the storage). */
    async file(auth: AuthContext, imageId: string) {
      return storedImageFile(media, await findImage(data, auth, imageId), 'regenerate it');
    },

    /** Edits alt text and title (the picture stays). */
    async update(auth: AuthContext, imageId: string, body: TUpdateImageBody) {
      const updated = await data.images.updateText(auth.accountId, imageId, {
        ...(body.altText !== undefined ? { altText: body.altText } : {}),
        ...(body.title !== undefined ? { title: body.title } : {}),
      });
      if (updated.count === 0) throw errors.notFound('Image', imageId);
      return imageView(await findImage(data, auth, imageId));
    },
  };
}
