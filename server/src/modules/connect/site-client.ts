import { signRequest } from '@igny8/shared';
import { AppError } from '../../errors.ts';
import type { SecretBox } from '../../lib/encryption.ts';
import { OutboundUrlError, outboundFetch, type OutboundOptions } from '../../lib/outbound.ts';

/** What the server knows to reach one connected site. */
export interface SiteEndpoint {
  siteId: string;
  siteUrl: string;
  restUrl: string;
  serverKeyId: string | null;
  serverPrivateKeyEnc: string | null;
  publisherUsername: string | null;
  publisherPasswordEnc: string | null;
}

export interface SiteResponse<T> {
  status: number;
  data: T;
  /** Lower-case names (e.g. WordPress's x-wp-totalpages). */
  headers: Record<string, string>;
}

/** A REST route URL under the site's REST base, which may be "/wp-json/" or "/?rest_route=/". */
export function restRoute(restUrl: string, route: string): string {
  return restUrl + route.replace(/^\//, '');
}

function unreachable(siteUrl: string, error: unknown): AppError {
  const host = new URL(siteUrl).host;
  if (error instanceof OutboundUrlError) {
    const code = error.code === 'URL_FORBIDDEN_ADDRESS' ? 'SITE_URL_FORBIDDEN' : 'SITE_UNREACHABLE';
    return new AppError(code, `Could not reach the site ${host}: ${error.message}`);
  }
  return new AppError('SITE_UNREACHABLE', `Could not reach the site ${host}.`);
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
}

/**
 * Server -> site calls. Plugin routes are signed with our per-site key (no redirects: the signature covers the
 * URL); WordPress core routes use the publishing user's application password.
 */
export function createSiteClient(deps: { box: SecretBox; outbound: OutboundOptions; timeoutMs?: number }) {
  const timeoutMs = deps.timeoutMs ?? 15_000;

  return {
    async signed<T>(site: SiteEndpoint, method: string, route: string, payload?: unknown): Promise<SiteResponse<T>> {
      if (!site.serverKeyId || !site.serverPrivateKeyEnc) {
        throw new AppError('SITE_NOT_CONNECTED', `Site ${site.siteId} is not connected.`);
      }
      const url = restRoute(site.restUrl, route);
      const body = payload === undefined ? '' : JSON.stringify(payload);
      const headers = signRequest(
        { method, url, body, siteId: site.siteId, siteUrl: site.siteUrl },
        { keyId: site.serverKeyId, privateKey: deps.box.decrypt(site.serverPrivateKeyEnc) },
      );
      try {
        const res = await outboundFetch(
          url,
          {
            method,
            headers: {
              ...headers,
              ...(body ? { 'content-type': 'application/json' } : {}),
              accept: 'application/json',
            },
            body,
            timeoutMs,
            maxRedirects: 0,
          },
          deps.outbound,
        );
        return { status: res.status, data: parseJson(res.body) as T, headers: res.headers };
      } catch (error) {
        throw unreachable(site.siteUrl, error);
      }
    },

    /** A call to WordPress's own REST API as the publishing user. */
    async asPublisher<T>(
      site: SiteEndpoint,
      method: string,
      route: string,
      payload?: unknown,
    ): Promise<SiteResponse<T>> {
      if (!site.publisherUsername || !site.publisherPasswordEnc) {
        throw new AppError('SITE_NOT_CONNECTED', `Site ${site.siteId} has no publishing user: reconnect it.`);
      }
      const credentials = Buffer.from(
        `${site.publisherUsername}:${deps.box.decrypt(site.publisherPasswordEnc)}`,
      ).toString('base64');
      try {
        const res = await outboundFetch(
          restRoute(site.restUrl, route),
          {
            method,
            headers: {
              authorization: `Basic ${credentials}`,
              accept: 'application/json',
              ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
            },
            ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
            timeoutMs,
          },
          deps.outbound,
        );
        return { status: res.status, data: parseJson(res.body) as T, headers: res.headers };
      } catch (error) {
        throw unreachable(site.siteUrl, error);
      }
    },

    /**
     * A file upload to WordPress's media library (POST wp/v2/media) as the publishing user: the raw bytes as the
     * body, the file name in Content-Disposition (WordPress names the attachment after it), its MIME type as
     * Content-Type. Uploads get a longer budget than JSON calls.
     */
    async uploadAsPublisher<T>(
      site: SiteEndpoint,
      route: string,
      file: { bytes: Buffer; filename: string; mimeType: string },
      options: { timeoutMs?: number } = {},
    ): Promise<SiteResponse<T>> {
      if (!site.publisherUsername || !site.publisherPasswordEnc) {
        throw new AppError('SITE_NOT_CONNECTED', `Site ${site.siteId} has no publishing user: reconnect it.`);
      }
      const credentials = Buffer.from(
        `${site.publisherUsername}:${deps.box.decrypt(site.publisherPasswordEnc)}`,
      ).toString('base64');
      // ASCII fallback name plus the RFC 5987 form; quotes and control characters never reach the header.
      const ascii = file.filename.replace(/[^A-Za-z0-9._-]/g, '-') || 'file';
      try {
        const res = await outboundFetch(
          restRoute(site.restUrl, route),
          {
            method: 'POST',
            headers: {
              authorization: `Basic ${credentials}`,
              accept: 'application/json',
              'content-type': file.mimeType,
              'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
            },
            body: file.bytes,
            timeoutMs: options.timeoutMs ?? Math.max(timeoutMs, 60_000),
          },
          deps.outbound,
        );
        return { status: res.status, data: parseJson(res.body) as T, headers: res.headers };
      } catch (error) {
        throw unreachable(site.siteUrl, error);
      }
    },

    /** Unsigned first-contact call: the handshake's verification callback. */
    async verify(siteUrl: string, restUrl: string, secret1: string): Promise<SiteResponse<{ secret2?: string }>> {
      try {
        const res = await outboundFetch(
          restRoute(restUrl, 'igny8/v1/connect/verify'),
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json' },
            body: JSON.stringify({ secret1 }),
            timeoutMs,
            maxRedirects: 0,
          },
          deps.outbound,
        );
        return { status: res.status, data: (parseJson(res.body) ?? {}) as { secret2?: string }, headers: res.headers };
      } catch (error) {
        throw unreachable(siteUrl, error);
      }
    },
  };
}

export type SiteClient = ReturnType<typeof createSiteClient>;
