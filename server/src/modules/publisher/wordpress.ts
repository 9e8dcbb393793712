// The WordPress side of publishing (docs/connection-protocol.md, "Publishing (exactly once)"): every call the
// publish and unpublish jobs make, and how WordPress's answers turn into retries or clear, permanent failures.
//
//   5xx, 408, 429, timeouts, refused connections  -> a plain Error: pg-boss retries the job with backoff
//   other 4xx                                    -> PermanentJobError with WordPress's reason, no retry
import { AppError } from '../../errors.ts';
import { JobFailure, PermanentJobError } from '../../jobs/errors.ts';
import type { ConnectService } from '../connect/service.ts';
import type { SiteResponse } from '../connect/site-client.ts';

export type PublishingSession = Awaited<ReturnType<ConnectService['publishingSession']>>;

/**
 * A retryable failure (WordPress down, slow or overloaded): the job runs again after a delay. SITE_UNREACHABLE when
 * the site did not answer at all, SITE_BUSY when it answered with a server error.
 */
export class SiteBusyError extends JobFailure {
  constructor(message: string, code: 'SITE_UNREACHABLE' | 'SITE_BUSY' = 'SITE_BUSY') {
    super(message, code);
    this.name = 'SiteBusyError';
  }
}

interface WpErrorBody {
  code?: unknown;
  message?: unknown;
  data?: { params?: unknown; details?: unknown } | unknown;
}

const clip = (text: string, max = 300) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const noTags = (text: string) =>
  text
    .replace(/<[^>]*>/g, '')
    .replace(/\s+/g, ' ')
    .trim();

/** WordPress's reason from an error body: its message, plus which parameter was wrong when it says so. */
export function wordpressReason(data: unknown): string {
  const body = (data ?? {}) as WpErrorBody;
  const parts: string[] = [];
  if (typeof body.message === 'string' && body.message.trim()) parts.push(noTags(body.message));
  const params = (body.data as { params?: unknown } | undefined)?.params;
  if (params && typeof params === 'object') {
    const detail = Object.entries(params as Record<string, unknown>)
      .filter(([, v]) => typeof v === 'string')
      .map(([k, v]) => `${k}: ${noTags(v as string)}`)
      .join('; ');
    if (detail) parts.push(detail);
  }
  return clip(parts.join(' '));
}

/** The error for a WordPress answer that was not the expected success. */
export function refused(what: string, res: SiteResponse<unknown>, via: 'signed' | 'publisher'): Error {
  const code = typeof (res.data as WpErrorBody | null)?.code === 'string' ? (res.data as { code: string }).code : '';
  const reason = wordpressReason(res.data);
  const said = `WordPress refused to ${what} (HTTP ${res.status}${code ? `, ${code}` : ''})${reason ? `: ${reason}` : ''}`;
  // One full stop at the end of WordPress's reason, whether or not it wrote one.
  const head = said.replace(/[.!?]+$/, '');
  if (res.status >= 500 || res.status === 408 || res.status === 429 || res.status === 0) {
    return new SiteBusyError(`${head}. The site seems to be down or overloaded; publishing is retried.`);
  }
  if (res.status === 401 || res.status === 403) {
    const hint =
      via === 'signed'
        ? "The site did not accept IGNY8's signature: reconnect it from wp-admin (IGNY8 > Connection)."
        : "The site refused IGNY8's publishing user (its application password may have been revoked or its role " +
          'changed): reconnect the site from wp-admin (IGNY8 > Connection).';
    return new PermanentJobError('WORDPRESS_REFUSED', `${head}. ${hint}`);
  }
  if (res.status === 404 && code === 'rest_no_route') {
    return new PermanentJobError(
      'WORDPRESS_REFUSED',
      `${head}. The IGNY8 plugin on the site is missing, inactive or too old: activate or update it.`,
    );
  }
  return new PermanentJobError('WORDPRESS_REFUSED', `${head}.`);
}

/** Network failures retry; a disconnected or deleted site does not get better by retrying. */
export function unreachable(error: unknown): never {
  if (error instanceof AppError) {
    if (error.code === 'SITE_UNREACHABLE') {
      throw new SiteBusyError(`${error.message} Publishing is retried.`, 'SITE_UNREACHABLE');
    }
    throw new PermanentJobError(error.code, error.message);
  }
  throw error;
}

async function call<T>(fn: () => Promise<SiteResponse<T>>): Promise<SiteResponse<T>> {
  try {
    return await fn();
  } catch (error) {
    return unreachable(error);
  }
}

export interface FoundPost {
  postId: number;
  type: string;
  status: string;
  link: string;
  duplicates?: number[];
}

/** The post carrying our content id, in any status (trash included), or null. */
export async function findPost(session: PublishingSession, contentId: string): Promise<FoundPost | null> {
  const res = await call(() => session.signed<FoundPost & WpErrorBody>('GET', `igny8/v1/content/${contentId}`));
  if (res.status === 200 && typeof res.data?.postId === 'number') return res.data;
  if (res.status === 404 && res.data?.code === 'igny8_not_found') return null;
  throw refused(`look up the post of content ${contentId}`, res, 'signed');
}

interface WpMedia {
  id?: number;
  source_url?: string;
}

/** Uploads a file to the media library and sets its alt text and title. */
export async function uploadMedia(
  session: PublishingSession,
  file: { bytes: Buffer; filename: string; mimeType: string; alt: string; title: string },
): Promise<{ id: number; url: string }> {
  const res = await call(() =>
    session.upload<WpMedia & WpErrorBody>({ bytes: file.bytes, filename: file.filename, mimeType: file.mimeType }),
  );
  if (res.status !== 201 || typeof res.data?.id !== 'number')
    throw refused(`upload ${file.filename}`, res, 'publisher');
  const id = res.data.id;
  const described = await describeMedia(session, id, file);
  if (!described)
    throw refused(`set the alt text of media ${id}`, { status: 404, data: null, headers: {} }, 'publisher');
  return described;
}

/** The id of the media library file with that slug (our file name without extension), or null. */
export async function findMedia(session: PublishingSession, slug: string): Promise<number | null> {
  const res = await call(() =>
    session.asPublisher<Array<{ id?: number }> & WpErrorBody>(
      'GET',
      session.route('wp/v2/media', { slug, per_page: 1, _fields: 'id' }),
    ),
  );
  if (res.status !== 200 || !Array.isArray(res.data)) throw refused(`look up the file ${slug}`, res, 'publisher');
  const id = res.data[0]?.id;
  return typeof id === 'number' ? id : null;
}

/** Sets alt text and title of an uploaded file; null when the file is gone from the site (deleted there). */
export async function describeMedia(
  session: PublishingSession,
  id: number,
  meta: { alt: string; title: string },
): Promise<{ id: number; url: string } | null> {
  const res = await call(() =>
    session.asPublisher<WpMedia & WpErrorBody>('POST', `wp/v2/media/${id}`, {
      alt_text: meta.alt,
      title: meta.title,
      caption: '',
    }),
  );
  if (res.status === 404 || res.status === 410) return null;
  if (res.status !== 200 || typeof res.data?.source_url !== 'string') {
    throw refused(`set the alt text and title of media ${id}`, res, 'publisher');
  }
  return { id, url: res.data.source_url };
}

/** Category or tag ids by name, created on the site when missing (one signed call per taxonomy). */
export async function ensureTerms(
  session: PublishingSession,
  taxonomy: 'category' | 'post_tag',
  names: string[],
): Promise<number[]> {
  if (names.length === 0) return [];
  const res = await call(() =>
    session.signed<{ terms?: { id?: number }[] } & WpErrorBody>('POST', 'igny8/v1/terms/ensure', { taxonomy, names }),
  );
  const ids = res.data?.terms?.map((t) => t.id);
  if (res.status !== 200 || !ids || ids.some((id) => typeof id !== 'number')) {
    throw refused(`create the ${taxonomy === 'category' ? 'categories' : 'tags'} ${names.join(', ')}`, res, 'signed');
  }
  return [...new Set(ids as number[])];
}

export interface WpPost {
  id: number;
  status: string;
  link: string;
  featured_media: number;
}

/** Creates the post (postId null) or updates it. */
export async function savePost(
  session: PublishingSession,
  postId: number | null,
  fields: Record<string, unknown>,
): Promise<WpPost> {
  const route = session.route(postId === null ? 'wp/v2/posts' : `wp/v2/posts/${postId}`, {
    _fields: 'id,status,link,featured_media',
  });
  const res = await call(() => session.asPublisher<Partial<WpPost> & WpErrorBody>('POST', route, fields));
  const expected = postId === null ? 201 : 200;
  if (res.status !== expected || typeof res.data?.id !== 'number') {
    throw refused(postId === null ? 'create the post' : `update post ${postId}`, res, 'publisher');
  }
  return {
    id: res.data.id,
    status: String(res.data.status ?? ''),
    link: String(res.data.link ?? ''),
    featured_media: Number(res.data.featured_media ?? 0),
  };
}

/** Moves the post to the trash (no `force`: it keeps its content id and can be restored by republishing). */
export async function trashPost(session: PublishingSession, postId: number): Promise<{ status: string }> {
  const res = await call(() =>
    session.asPublisher<{ status?: string } & WpErrorBody>(
      'DELETE',
      session.route(`wp/v2/posts/${postId}`, { _fields: 'id,status' }),
    ),
  );
  // WordPress answers 410 rest_already_trashed for a post already in the trash: that is what we wanted.
  if (res.status === 410 && res.data?.code === 'rest_already_trashed') return { status: 'trash' };
  if (res.status !== 200) throw refused(`move post ${postId} to the trash`, res, 'publisher');
  return { status: String(res.data?.status ?? 'trash') };
}
