/**
 * The screens' one way to the IGNY8 API: `igny8Api('planner/keywords', { query })` calls the plugin's
 * `igny8/v1/app/<path>` route (WordPress checks the `wp_rest` nonce and a capability per path), whose PHP signs
 * the request for this WordPress user and forwards it to the server. The server's envelope comes back unchanged:
 * its data is returned, a refusal is thrown as an `Igny8ApiError` with the server's `code` and message.
 *
 * The browser never sees the server's address or a key. `CURRENT_SITE` stands for this site's IGNY8 site id in a
 * path (`sites/current/sectors`), a `siteId` query value or a top-level `siteId` of a JSON body.
 */
import apiFetch from '@wordpress/api-fetch';
import { __ } from '@wordpress/i18n';
import { REST_NAMESPACE } from './connection';

export const APP_PATH = `/${REST_NAMESPACE}/app`;

/** This site's IGNY8 site id, filled in by the plugin. */
export const CURRENT_SITE = 'current';

export type Igny8Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

type Scalar = string | number | boolean;
export type QueryValue = Scalar | null | undefined | readonly Scalar[];

export interface Igny8Request {
  method?: Igny8Method;
  /** Query parameters; `null`/`undefined` are left out, a list repeats the name. */
  query?: Record<string, QueryValue>;
  /** JSON body. */
  body?: unknown;
  signal?: AbortSignal;
  /**
   * Makes a paid request safe to retry: the plugin passes it on to the server, where the same key and body answer
   * the run already started instead of starting (and charging) a second one.
   */
  idempotencyKey?: string;
}

/** A refusal or failure, in the product's words. */
export class Igny8ApiError extends Error {
  /** The server's code (`VALIDATION_FAILED`, `NOT_FOUND`...) or the plugin's/WordPress's (`rest_forbidden`...). */
  readonly code: string;
  /** HTTP status when known. */
  readonly status: number | undefined;
  /** The server's request id, to quote when asking for help. */
  readonly requestId: string | undefined;
  /** The server's details, such as `{ fields: [{ in, field, message }] }` for VALIDATION_FAILED. */
  readonly details: unknown;

  constructor(
    code: string,
    message: string,
    extra: { status?: number | undefined; requestId?: string | undefined; details?: unknown } = {},
  ) {
    super(message);
    this.name = 'Igny8ApiError';
    this.code = code;
    this.status = extra.status;
    this.requestId = extra.requestId;
    this.details = extra.details;
  }
}

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/** `planner/keywords` + query -> `/igny8/v1/app/planner/keywords?...`; each path segment is URI-encoded. */
export const appPath = (path: string, query: Record<string, QueryValue> = {}): string => {
  const segments = path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => encodeURIComponent(segment));
  if (segments.length === 0 || segments.some((segment) => segment === '.' || segment === '..')) {
    throw new Igny8ApiError('igny8_invalid_path', __('The IGNY8 API path is empty or invalid.', 'igny8'));
  }
  const pairs: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    const values: readonly (Scalar | null | undefined)[] = Array.isArray(value) ? value : [value as Scalar];
    for (const item of values) {
      if (item !== null && item !== undefined) {
        pairs.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(item))}`);
      }
    }
  }
  return `${APP_PATH}/${segments.join('/')}${pairs.length > 0 ? `?${pairs.join('&')}` : ''}`;
};

/**
 * What api-fetch rejected with, as an Igny8ApiError: the server's error envelope (forwarded as it was), a
 * WP_Error body `{ code, message, data: { status } }` from the plugin or WordPress, or api-fetch's own
 * `{ code: 'fetch_error' | 'invalid_json', message }`.
 */
export const toApiError = (thrown: unknown): Igny8ApiError => {
  if (thrown instanceof Igny8ApiError) {
    return thrown;
  }
  const body = asRecord(thrown);
  if (body.success === false && nonEmpty(body.error)) {
    return new Igny8ApiError(nonEmpty(body.code) ? body.code : 'unknown_error', body.error, {
      requestId: nonEmpty(body.requestId) ? body.requestId : undefined,
      details: body.details,
    });
  }
  const status = asRecord(body.data).status;
  // Only coded errors carry messages written for people; a bare exception's message is not one.
  const coded = nonEmpty(body.code);
  return new Igny8ApiError(
    coded ? (body.code as string) : 'unknown_error',
    coded && nonEmpty(body.message)
      ? body.message
      : __('The request to IGNY8 failed. Reload the page and try again.', 'igny8'),
    { status: typeof status === 'number' ? status : undefined },
  );
};

/** The data of a success envelope; anything else is thrown as an Igny8ApiError. */
export const unwrap = <T>(answer: unknown): { data: T; message: string | undefined } => {
  const body = asRecord(answer);
  if (body.success === true && 'data' in body) {
    return { data: body.data as T, message: nonEmpty(body.message) ? body.message : undefined };
  }
  if (body.success === false) {
    throw toApiError(body);
  }
  throw new Igny8ApiError(
    'igny8_unexpected_answer',
    __('IGNY8 answered something unexpected. Reload the page and try again.', 'igny8'),
  );
};

/** Calls an IGNY8 API route through the plugin; answers the server's data and message. */
export const igny8ApiWithMessage = async <T>(
  path: string,
  request: Igny8Request = {},
): Promise<{ data: T; message: string | undefined }> => {
  const method = request.method ?? 'GET';
  let answer: unknown;
  try {
    answer = await apiFetch<unknown>({
      path: appPath(path, request.query),
      method,
      ...(request.body !== undefined ? { data: request.body } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
      ...(request.idempotencyKey ? { headers: { 'Idempotency-Key': request.idempotencyKey } } : {}),
    });
  } catch (thrown) {
    throw toApiError(thrown);
  }
  return unwrap<T>(answer);
};

/** Calls an IGNY8 API route through the plugin; answers the server's data (throws an Igny8ApiError otherwise). */
export const igny8Api = async <T>(path: string, request: Igny8Request = {}): Promise<T> =>
  (await igny8ApiWithMessage<T>(path, request)).data;
