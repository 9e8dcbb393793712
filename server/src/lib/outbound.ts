import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { forbiddenReason, METADATA_HOSTS } from './outbound-addresses.ts';

/**
 * Outbound HTTP to user-supplied URLs (WordPress sites, AI provider base URLs) without letting those URLs reach the
 * server's own network (SSRF). Every hop is resolved once, every resolved address is vetted, and the socket connects to the vetted
 * addresses only, so a DNS answer that changes between check and connect (rebinding) cannot slip through. Any port
 * is allowed: WordPress sites on non-default ports are legitimate, and the address check is what protects us.
 */

export type OutboundErrorCode =
  | 'URL_INVALID'
  | 'URL_FORBIDDEN_ADDRESS'
  | 'URL_UNRESOLVABLE'
  | 'URL_UNREACHABLE'
  | 'URL_TIMEOUT'
  | 'TOO_MANY_REDIRECTS'
  | 'RESPONSE_TOO_LARGE';

export class OutboundUrlError extends Error {
  constructor(
    readonly code: OutboundErrorCode,
    message: string,
    /** The host the failing request was for (may be a redirect target), when known. */
    readonly host?: string,
  ) {
    super(message);
    this.name = 'OutboundUrlError';
  }
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export interface OutboundOptions {
  /**
   * Permit loopback and private networks: development (ALLOW_PRIVATE_SITE_URLS), operators' own endpoints
   * (ALLOW_PRIVATE_PROVIDER_URLS, AI_DEMO_BASE_URL). Metadata stays refused.
   */
  allowPrivateNetworks: boolean;
  /** Replaces DNS (tests). Defaults to the system resolver, which also honours /etc/hosts. */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
}

export interface OutboundInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Budget for the whole exchange, redirects and DNS included. */
  timeoutMs?: number;
  maxRedirects?: number;
  maxResponseBytes?: number;
  /** Hangs up at once when aborted; the promise rejects with an AbortError (as fetch does). */
  signal?: AbortSignal;
}

export interface OutboundResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  /** The URL that answered, after redirects. */
  url: string;
}

const DEFAULT_TIMEOUT_MS = 15_000;

const systemResolve = async (hostname: string): Promise<ResolvedAddress[]> =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/** Messages start with the host: they are shown to users, who know their site by name. */
const fault = (code: OutboundErrorCode, host: string, rest: string) =>
  new OutboundUrlError(code, `${host} ${rest}`, host);
const timeoutError = (host: string) =>
  fault('URL_TIMEOUT', host, 'did not answer in time. Check that the site is up and try again.');

function parseUrl(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OutboundUrlError('URL_INVALID', 'The address is not a valid URL: use the form https://example.com/.');
  }
  const host = parsed.hostname;
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    const message = `Only http:// and https:// addresses can be used, not ${parsed.protocol}// (${host || 'no host'}).`;
    throw new OutboundUrlError('URL_INVALID', message, host);
  }
  if (parsed.username || parsed.password) {
    throw fault('URL_INVALID', host, 'has a user name or password in its address: remove them.');
  }
  return parsed;
}

function withDeadline<T>(promise: Promise<T>, deadline: number, host: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(timeoutError(host)), Math.max(0, deadline - Date.now()));
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

async function vet(url: URL, options: OutboundOptions, deadline: number): Promise<ResolvedAddress[]> {
  const host = url.hostname;
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  const forbidden = (why: string) => fault('URL_FORBIDDEN_ADDRESS', host, `points to ${why}; use a public address.`);
  if (METADATA_HOSTS.has(bare.replace(/\.$/, '').toLowerCase())) throw forbidden('a cloud metadata service');

  // WHATWG URL parsing has already turned decimal, octal and hex IPv4 spellings into dotted form.
  const family = isIP(bare);
  let addresses: ResolvedAddress[] = [];
  if (family === 4 || family === 6) addresses = [{ address: bare, family }];
  else {
    try {
      addresses = await withDeadline((options.resolve ?? systemResolve)(bare), deadline, host);
    } catch (error) {
      if (error instanceof OutboundUrlError) throw error;
    }
    if (addresses.length === 0) throw fault('URL_UNRESOLVABLE', host, 'could not be found. Check the address.');
  }
  // One bad address refuses the host: the connection could otherwise be steered to it.
  for (const { address } of addresses) {
    const why = forbiddenReason(address, options.allowPrivateNetworks);
    if (why) throw forbidden(why);
  }
  return addresses;
}

/**
 * Validates a URL for later outbound use (form-time check of a site or provider address). Resolves DNS. With
 * `allowUnresolved`, a name that does not resolve (or not in time) passes with no addresses: saving a record does not
 * call it, and every call vets the name again.
 */
export async function checkOutboundUrl(
  url: string,
  options: OutboundOptions,
  { allowUnresolved = false }: { allowUnresolved?: boolean } = {},
): Promise<{ url: URL; addresses: string[] }> {
  const parsed = parseUrl(url);
  try {
    const addresses = await vet(parsed, options, Date.now() + DEFAULT_TIMEOUT_MS);
    return { url: parsed, addresses: addresses.map((a) => a.address) };
  } catch (error) {
    const unresolved = error instanceof OutboundUrlError && ['URL_UNRESOLVABLE', 'URL_TIMEOUT'].includes(error.code);
    if (allowUnresolved && unresolved) return { url: parsed, addresses: [] };
    throw error;
  }
}

const abortError = () => new DOMException('The request was aborted.', 'AbortError');

/** Rejects as soon as `signal` aborts (the work behind `promise` is left to its own deadline). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

/** fetch-like request to a user-supplied URL; redirects are followed by hand so every hop is vetted. */
export async function outboundFetch(
  url: string,
  init: OutboundInit,
  options: OutboundOptions,
): Promise<OutboundResponse> {
  const deadline = Date.now() + (init.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const maxRedirects = init.maxRedirects ?? 3;
  let method = (init.method ?? 'GET').toUpperCase();
  let body = init.body;
  let headers: Record<string, string> = Object.fromEntries(
    Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  );
  let current = parseUrl(url);

  for (let hop = 0; ; hop++) {
    const addresses = await untilAborted(vet(current, options, deadline), init.signal);
    const res = await send(
      current,
      addresses,
      method,
      headers,
      body,
      deadline,
      init.maxResponseBytes ?? 5 * 2 ** 20,
      init.signal,
    );
    const location = res.headers.location;
    if (!REDIRECTS.has(res.status) || location === undefined) return { ...res, url: current.href };

    if (hop >= maxRedirects) {
      throw fault('TOO_MANY_REDIRECTS', current.hostname, `redirected more than ${maxRedirects} times.`);
    }
    let next: URL;
    try {
      next = parseUrl(new URL(location, current));
    } catch {
      throw fault('URL_INVALID', current.hostname, 'redirected to an address that cannot be used.');
    }
    // Same rules as fetch: 303 (and 301/302 after POST) turn into a body-less GET; credentials stay with their origin.
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
      method = method === 'HEAD' ? 'HEAD' : 'GET';
      body = undefined;
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !k.startsWith('content-')));
    }
    if (next.origin !== current.origin) {
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !CREDENTIAL_HEADERS.includes(k)));
    }
    current = next;
  }
}

function send(
  url: URL,
  addresses: ResolvedAddress[],
  method: string,
  headers: Record<string, string>,
  body: string | Buffer | undefined,
  deadline: number,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<Omit<OutboundResponse, 'url'>> {
  const host = url.hostname;
  // Hand the socket the vetted addresses instead of letting it resolve again. Keeping `hostname` as the target keeps
  // the Host header, TLS SNI and certificate check on the name the user gave.
  const lookup: LookupFunction = (_name, opts, callback) => {
    if (opts.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
  const outHeaders: OutgoingHttpHeaders = { ...headers };
  if (body !== undefined) outHeaders['content-length'] = Buffer.byteLength(body);

  return new Promise((resolve, reject) => {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(url, { method, headers: outHeaders, lookup, agent: false });
    const fail = (error: Error) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(error);
      req.destroy();
    };
    const onAbort = () => fail(abortError());
    const timer = setTimeout(() => fail(timeoutError(host)), Math.max(0, deadline - Date.now()));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const tooLarge = () => fail(fault('RESPONSE_TOO_LARGE', host, `sent a response larger than ${maxBytes} bytes.`));

    // After fail() has settled the promise, errors from the destroyed socket are no-ops.
    const unreachable = (error: NodeJS.ErrnoException) =>
      fail(fault('URL_UNREACHABLE', host, `could not be reached (${error.code ?? error.message}).`));
    req.on('error', unreachable);
    req.on('response', (res: IncomingMessage) => {
      res.on('error', unreachable);
      if (Number(res.headers['content-length']) > maxBytes) return tooLarge();
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) tooLarge();
        else chunks.push(chunk);
      });
      res.on('end', () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const out: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        resolve({ status: res.statusCode ?? 0, headers: out, body: Buffer.concat(chunks) });
      });
    });
    req.end(body);
  });
}
