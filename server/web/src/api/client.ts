/**
 * The one way the app talks to the server: the same /api/v1 routes and envelope as every other client.
 *
 * The access token lives only in this module's memory. The refresh token is an httpOnly cookie the browser sends to
 * /api/v1/auth only (the server sets it when a request says `X-IGNY8-Session: cookie`), so nothing secret is in
 * localStorage or reachable from scripts. When the access token expires, one refresh is tried and the call repeated.
 */

export const SESSION_HEADER = { 'x-igny8-session': 'cookie' } as const;

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly requestId: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, code: string, message: string, requestId?: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.details = details;
  }

  /** The field the server named as the problem, when it named one. */
  get field(): string | undefined {
    const field = this.details?.field;
    return typeof field === 'string' ? field : undefined;
  }
}

let accessToken: string | null = null;
let onSignedOut: (() => void) | null = null;
let refreshing: Promise<boolean> | null = null;

export function setAccessToken(token: string | null): void {
  accessToken = token;
}

export function hasAccessToken(): boolean {
  return accessToken !== null;
}

/** Called when the session ends on the server's side (refresh refused): the app goes back to the sign-in page. */
export function onSessionEnded(handler: () => void): void {
  onSignedOut = handler;
}

interface Envelope<T> {
  success: boolean;
  data?: T;
  message?: string;
  error?: string;
  code?: string;
  requestId?: string;
  details?: Record<string, unknown>;
}

async function parse<T>(response: Response): Promise<{ body: Envelope<T> | null; text: string }> {
  const text = await response.text();
  try {
    return { body: JSON.parse(text) as Envelope<T>, text };
  } catch {
    return { body: null, text };
  }
}

/** Exchanges the refresh cookie for a new access token; false when there is no session any more. */
export async function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const response = await fetch('/api/v1/auth/refresh', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', ...SESSION_HEADER },
        body: '{}',
      });
      const { body } = await parse<{ accessToken: string }>(response);
      if (!response.ok || !body?.success || !body.data?.accessToken) {
        accessToken = null;
        return false;
      }
      accessToken = body.data.accessToken;
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

export interface RequestOptions {
  /** Query parameters; undefined and empty values are left out. */
  query?: Record<string, string | number | boolean | undefined | null | Array<string | number>>;
  body?: unknown;
  /** Extra headers (the session header on sign-in). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

function url(path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) value.forEach((one) => params.append(key, String(one)));
    else params.set(key, String(value));
  }
  const search = params.toString();
  return `/api/v1${path}${search ? `?${search}` : ''}`;
}

async function send(method: string, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  return fetch(url(path, options.query), {
    method,
    headers,
    credentials: 'same-origin',
    body: options.body === undefined ? null : JSON.stringify(options.body),
    signal: options.signal ?? null,
  });
}

/** Calls a route and answers its `data`, or throws an ApiError with the server's code and words. */
export async function api<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  let response: Response;
  try {
    response = await send(method, path, options);
    if (response.status === 401 && accessToken !== null && (await refreshSession())) {
      response = await send(method, path, options);
    }
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK_ERROR', 'The IGNY8 server did not answer. Check your connection and try again.');
  }
  if (response.status === 401 && accessToken !== null) {
    accessToken = null;
    onSignedOut?.();
  }
  const { body } = await parse<T>(response);
  if (!body) {
    throw new ApiError(response.status, 'BAD_RESPONSE', `The server answered HTTP ${response.status} without JSON.`);
  }
  if (!response.ok || !body.success) {
    throw new ApiError(
      response.status,
      body.code ?? 'ERROR',
      body.error ?? `The server answered HTTP ${response.status}.`,
      body.requestId,
      body.details,
    );
  }
  return body.data as T;
}

export const get = <T>(path: string, query?: RequestOptions['query'], signal?: AbortSignal) =>
  api<T>('GET', path, { query, ...(signal ? { signal } : {}) });
export const post = <T>(path: string, body?: unknown, headers?: Record<string, string>) =>
  api<T>('POST', path, { body: body ?? {}, ...(headers ? { headers } : {}) });
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, { body });
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, { body });
export const del = <T>(path: string) => api<T>('DELETE', path);

/** Downloads a file from an authenticated route (CSV exports) without putting the token in a URL. */
export async function download(path: string, query: RequestOptions['query'], filename: string): Promise<void> {
  const response = await send('GET', path, { query, headers: { accept: 'text/csv' } });
  if (!response.ok) {
    const { body } = await parse<unknown>(response);
    throw new ApiError(response.status, body?.code ?? 'ERROR', body?.error ?? 'The export failed.');
  }
  const blob = await response.blob();
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
