import { ZPublishStatus } from '@igny8/shared';
import { z } from 'zod';
import { jobContract, type JobPayload } from '../../jobs/definition.ts';

export const ZPublishPayload = z.object({
  contentId: z.uuid(),
  siteId: z.uuid(),
  /** The approved version at the time of the request: what is published, whatever is edited meanwhile. */
  version: z.number().int().min(1),
  status: ZPublishStatus,
  scheduledAt: z.string().nullable(),
  categories: z.array(z.string()),
  tags: z.array(z.string()),
});

export const ZUnpublishPayload = z.object({ contentId: z.uuid(), siteId: z.uuid() });

/** Publishes (or republishes) a content's approved version to its WordPress site. */
export const publishJob = jobContract('publisher.publish', ZPublishPayload);
export type PublishPayload = JobPayload<typeof publishJob>;

/** Moves a content's post to the site's trash. */
export const unpublishJob = jobContract('publisher.unpublish', ZUnpublishPayload);
export type UnpublishPayload = JobPayload<typeof unpublishJob>;
