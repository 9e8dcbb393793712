import { z } from 'zod';
import { ZPageQuery } from './envelope.ts';

/** Contract of the Publisher: an approved content pushed to its WordPress site as a post, and taken down again. */

export const PUBLICATION_STATUSES = ['publishing', 'draft', 'scheduled', 'published', 'unpublished', 'failed'] as const;
export const ZPublicationStatus = z.enum(PUBLICATION_STATUSES);
export type TPublicationStatus = z.infer<typeof ZPublicationStatus>;

/** What WordPress is asked for: a draft, a published post, or a post scheduled at `scheduledAt`. */
export const PUBLISH_STATUSES = ['draft', 'publish', 'future'] as const;
export const ZPublishStatus = z.enum(PUBLISH_STATUSES);
export type TPublishStatus = z.infer<typeof ZPublishStatus>;

const uuid = (what: string) => z.uuid({ message: `must be a ${what} id (UUID)` });

/** Category and tag names: created on the site when missing, matched case-insensitively otherwise. */
const ZTermNames = z
  .array(z.string().trim().min(1, { message: 'must not be empty' }).max(200))
  .max(100)
  .default([]);

export const ZPublishContentParams = z.object({ contentId: uuid('content') });

export const ZPublishBody = z
  .object({
    status: ZPublishStatus.default('publish'),
    /** ISO 8601 date-time with a time zone; required for "future", and must then be in the future. */
    scheduledAt: z.iso
      .datetime({ offset: true, message: 'must be an ISO 8601 date-time such as 2030-01-31T09:00:00Z' })
      .optional(),
    categories: ZTermNames,
    tags: ZTermNames,
  })
  .superRefine((body, ctx) => {
    if (body.status === 'future') {
      if (!body.scheduledAt) {
        ctx.addIssue({ code: 'custom', path: ['scheduledAt'], message: 'is required when status is "future"' });
      } else if (Date.parse(body.scheduledAt) <= Date.now()) {
        ctx.addIssue({ code: 'custom', path: ['scheduledAt'], message: 'must be in the future' });
      }
    } else if (body.scheduledAt) {
      ctx.addIssue({ code: 'custom', path: ['scheduledAt'], message: 'is only allowed when status is "future"' });
    }
  });
export type TPublishBody = z.infer<typeof ZPublishBody>;

export const ZPublication = z.object({
  id: z.uuid(),
  contentId: z.uuid(),
  siteId: z.uuid(),
  taskId: z.uuid(),
  status: ZPublicationStatus,
  requestedStatus: ZPublishStatus,
  scheduledAt: z.string().nullable(),
  categories: z.array(z.string()),
  tags: z.array(z.string()),
  /** The WordPress post id, once WordPress created it. */
  postId: z.number().int().nullable(),
  /** WordPress's own status of the post: draft, publish, future, trash. */
  wpStatus: z.string().nullable(),
  url: z.string().nullable(),
  /** The content version published last. */
  publishedVersion: z.number().int().nullable(),
  /** Why the last publish or unpublish failed, in the product's words. */
  lastError: z.string().nullable(),
  /** The last publish or unpublish job (poll /api/v1/jobs/{id}). */
  jobId: z.uuid().nullable(),
  publishedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TPublication = z.infer<typeof ZPublication>;

export const ZPublicationsQuery = ZPageQuery.extend({
  siteId: uuid('site').optional(),
  status: ZPublicationStatus.optional(),
});
export type TPublicationsQuery = z.infer<typeof ZPublicationsQuery>;

export const ZPublishAccepted = z.object({
  jobId: z.uuid(),
  status: z.string(),
  pollUrl: z.string(),
  publication: ZPublication,
});
export type TPublishAccepted = z.infer<typeof ZPublishAccepted>;
