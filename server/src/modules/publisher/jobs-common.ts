import type { withTransactions } from '../../db/client.ts';
import type { JobContext } from '../../jobs/context.ts';
import { PermanentJobError } from '../../jobs/errors.ts';
import type { MediaStorage } from '../../lib/media-storage.ts';
import type { ConnectService } from '../connect/service.ts';
import type { publisherData } from './data.ts';
import { unreachable, type PublishingSession } from './wordpress.ts';

/** The publisher's data access as the jobs use it (bound to the client, with transactions). */
export type PublisherJobData = ReturnType<typeof withTransactions<ReturnType<typeof publisherData>>>;

/** At most this many publish and unpublish jobs run at once per site, across all workers. */
export const PUBLISHES_PER_SITE = 2;

/** Retry policy shared by both jobs: WordPress down or overloaded is retried for about 10 minutes. */
export const RETRY = { retryLimit: 5, retryDelay: 10, retryDelayMax: 300, heartbeatSeconds: 10, expireInSeconds: 900 };

/** What a job shows as its current step while another publish to the same site holds the slot it needs. */
export const WAITING_FOR_SLOT = 'waiting for a free publishing slot on this site';

/** Opens a publishing session with a site; a site that cannot be reached is an error the job retries. */
export function sessionOpener(connect: ConnectService) {
  return async (accountId: string, siteId: string): Promise<PublishingSession> => {
    try {
      return await connect.publishingSession(accountId, siteId);
    } catch (error) {
      return unreachable(error);
    }
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A file name for the media library: the article's slug, a piece of the image id and the image's position. WordPress
 * names the attachment after it (its slug is the name without extension), which is how a retry finds a file that an
 * attempt uploaded just before it crashed.
 */
export function fileName(slug: string, imageId: string, position: number, mimeType: string | null) {
  const ext = mimeType === 'image/jpeg' ? 'jpg' : mimeType === 'image/webp' ? 'webp' : 'png';
  const base =
    slug
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'image';
  const name = `${base}-${imageId.slice(0, 8)}-${position === 0 ? 'featured' : position}`;
  return { name, file: `${name}.${ext}` };
}

export async function readImage(media: MediaStorage, imageId: string, key: string): Promise<Buffer> {
  try {
    return await media.get(key);
  } catch (error) {
    // Local disk: ENOENT; S3-compatible storage: NoSuchKey (or a bare 404).
    const code = (error as NodeJS.ErrnoException).code ?? (error as { name?: string }).name;
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (code === 'ENOENT' || code === 'NoSuchKey' || status === 404) {
      throw new PermanentJobError(
        'IMAGE_MISSING',
        `The file of image ${imageId} is missing from media storage: generate the image again, then publish.`,
      );
    }
    throw error;
  }
}

/**
 * Records why an attempt failed on the publication (and, when it is final, marks the publication and the task as
 * failed). Retried attempts keep the publication "publishing": only the last error is kept.
 */
export async function noteFailure(
  data: PublisherJobData,
  jobId: string,
  error: unknown,
  final: boolean,
  kind: 'publish' | 'unpublish',
) {
  const message = errorMessage(error);
  const publication = await data.findPublicationOfJob(jobId);
  if (!publication) return;
  await data.updatePublication(publication.id, {
    lastError: message,
    ...(final && kind === 'publish' ? { status: 'failed' } : {}),
  });
  if (final && kind === 'publish') await data.failPublishingTask(publication.contentId, message);
}

/**
 * The hard per-site limit. pg-boss's group concurrency keeps most surplus jobs of a site in the queue, but its count
 * of active jobs is read by concurrent fetches without serialization, so two workers can both take "the last free
 * slot" (measured: 3 at once with a limit of 2 and 10 fetching slots). Here, under a per-site advisory transaction
 * lock, a job proceeds only when fewer than PUBLISHES_PER_SITE other publish or unpublish jobs of the site are
 * running past this point; otherwise it shows WAITING_FOR_SLOT and looks again shortly. Jobs whose worker died stop
 * counting as soon as pg-boss no longer sees them active (heartbeat), so a crash never leaks a slot.
 */
export async function takeSiteSlot(data: PublisherJobData, ctx: JobContext, siteId: string): Promise<void> {
  for (let round = 0; ; round++) {
    const free = await data.transaction(async (tx) => {
      const running = await tx.lockSiteAndCountRunning(siteId, ctx.jobId, WAITING_FOR_SLOT);
      const taken = running >= PUBLISHES_PER_SITE;
      await tx.setCurrentStep(ctx.jobId, taken ? WAITING_FOR_SLOT : 'starting');
      return !taken;
    });
    if (free) return;
    if (round % 8 === 7) await ctx.throwIfCancelled();
    await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 200));
  }
}
