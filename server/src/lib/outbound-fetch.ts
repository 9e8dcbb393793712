import { outboundFetch, type OutboundOptions } from './outbound.ts';

/** Statuses whose responses have no body (the Response constructor refuses one). */
const NO_BODY = new Set([101, 204, 205, 304]);

/**
 * A fetch for the AI SDKs (their `fetch` option) that sends every request through the outbound guard: the host is
 * resolved, every address vetted, the socket pinned to the vetted addresses and every redirect vetted again. The SDK
 * keeps its own timeout and cancellation (through `signal`); `timeoutMs` is only a backstop behind them.
 */
export function guardedFetch(
  options: OutboundOptions,
  limits: { timeoutMs: number; maxResponseBytes: number },
): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    // The bytes are handed to the SDK as received, so ask for them uncompressed.
    headers['accept-encoding'] = 'identity';
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const res = await outboundFetch(
      request.url,
      {
        method: request.method,
        headers,
        ...(body ? { body } : {}),
        timeoutMs: limits.timeoutMs,
        maxResponseBytes: limits.maxResponseBytes,
        ...(init?.signal ? { signal: init.signal } : {}),
      },
      options,
    );
    const empty = NO_BODY.has(res.status) || request.method === 'HEAD';
    return new Response(empty ? null : new Uint8Array(res.body), { status: res.status, headers: res.headers });
  };
}
