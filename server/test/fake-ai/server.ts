import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { anthropic } from './anthropic.ts';
import { brokenReply } from './broken.ts';
import { type Handled, InvalidRequest, isObj, type Provider, randomId, type Reply, type SseEvent } from './http.ts';
import { type Knobs, KnobState, parseKnobs, type ProviderName } from './knobs.ts';
import { openai, renderImagePath } from './openai.ts';

/**
 * A fake AI provider server speaking OpenAI's and Anthropic's HTTP APIs closely enough for their official SDKs,
 * with deterministic prompt-derived answers and knobs for latency, errors, malformed output and rate limits.
 * See README.md in this folder.
 */

export type { FailSpec, Knobs, RateLimit } from './knobs.ts';

export interface FakeAiRequest {
  provider: ProviderName;
  method: string;
  /** Path without the query string, e.g. '/v1/chat/completions'. */
  path: string;
  model: string | undefined;
  /** Parsed JSON body (undefined for GETs and unparsable bodies). */
  body: unknown;
  /** Request headers without credentials (authorization, x-api-key). */
  headers: Record<string, string | string[] | undefined>;
  /** Date.now() on arrival. */
  time: number;
  stream: boolean;
  /** Status answered (200 for streams); undefined while pending or when the connection was dropped on purpose. */
  status?: number;
  /** Date.now() when the client hung up before the answer was complete (a cancelled or timed-out call). */
  abortedAt?: number;
}

export interface FakeAi {
  /** e.g. http://127.0.0.1:4010 */
  url: string;
  /** `${url}/v1`: the OpenAI SDK's baseURL. */
  openaiBaseUrl: string;
  /** `${url}`: the Anthropic SDK's baseURL (it appends /v1/messages itself). */
  anthropicBaseUrl: string;
  /** Every API request received, oldest first (control endpoints under /__ excluded). */
  readonly requests: FakeAiRequest[];
  /** Current knobs (a snapshot; change them with setKnobs). */
  readonly knobs: Knobs;
  /** Shallow merge: keys given replace the current ones; failNext replaces the whole queue. */
  setKnobs(knobs: Partial<Knobs>): void;
  /** Default knobs, empty request log, empty rate-limit windows. */
  reset(): void;
  close(): Promise<void>;
}

const CREDENTIAL_HEADERS = new Set(['authorization', 'x-api-key', 'api-key']);

export async function startFakeAi(options: { port?: number; host?: string } = {}): Promise<FakeAi> {
  const host = options.host ?? '127.0.0.1';
  const state = new KnobState();
  const requests: FakeAiRequest[] = [];
  let url = '';

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error('fake-ai: handler failed', err);
      if (!res.headersSent) writeReply(res, { kind: 'json', status: 500, body: { error: { message: String(err) } } });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const raw = await readBody(req);
    if (path.startsWith('/__')) return control(method, path, raw, res);

    const provider = pickProvider(path, req);
    let body: unknown;
    let unparsable = false;
    if (raw.length) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        unparsable = true;
      }
    }
    const streaming = isObj(body) && body.stream === true;
    const model = isObj(body) && typeof body.model === 'string' ? body.model : undefined;
    const entry: FakeAiRequest = {
      provider: provider.name,
      method,
      path,
      model,
      body,
      headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => !CREDENTIAL_HEADERS.has(k))),
      time: Date.now(),
      stream: streaming,
    };
    requests.push(entry);
    res.on('close', () => {
      if (!res.writableFinished) entry.abortedAt = Date.now();
    });
    const idHeader = { [provider.requestIdHeader]: `req_${randomId()}` };
    const send = (reply: Reply, headers: Record<string, string> = {}) => {
      entry.status = reply.kind === 'sse' ? 200 : reply.status;
      writeReply(res, reply, { ...idHeader, ...headers });
    };

    const { latencyMs } = state.knobs;
    if (latencyMs > 0) await sleep(latencyMs);
    const auth = provider.authenticate(req.headers);
    if (auth !== 'ok') return send(provider.authFailure(auth, req.headers));
    const handler = provider.route(method, path);
    if (!handler) return send(provider.invalid(new InvalidRequest(`Invalid URL (${method} ${path})`, null, 404)));
    if (unparsable || (method === 'POST' && !isObj(body)))
      return send(
        provider.invalid(
          new InvalidRequest('We could not parse the JSON body of your request. Expected a JSON object.'),
        ),
      );

    const failure = state.takeFailure(provider.name, path, streaming);
    if (failure && !failure.midStream) {
      if (failure.kind === 'disconnect') return void req.socket.destroy();
      return send(provider.failure(failure));
    }
    const broken = state.takeBroken(provider.name, path);
    if (broken) return send(brokenReply(provider.name, path, broken.shape, model ?? 'unknown'));
    let malformedTaken = false;
    let planted: string | undefined;
    let handled: Handled;
    try {
      handled = handler(isObj(body) ? body : {}, {
        takeMalformed: () => (malformedTaken = state.takeMalformed()),
        takePlant: () => (planted = state.takePlant()),
        embedAs: state.knobs.embedAs ?? {},
        baseUrl: url,
      });
    } catch (err) {
      if (err instanceof InvalidRequest) return send(provider.invalid(err));
      throw err;
    }

    const now = Date.now();
    const decision = state.limiter.check(provider.name, state.knobs.rateLimit, handled.tokens, now);
    const limitHeaders = decision ? provider.rateLimitHeaders(decision, now) : {};
    if (decision && !decision.ok) {
      // Refused before being answered: whatever it consumed is still due to the next request.
      if (malformedTaken) state.refundMalformed();
      if (planted !== undefined) state.refundPlant(planted);
      if (failure) state.knobs.failNext.unshift(failure);
      return send(provider.rateLimited(decision, model ?? 'unknown'), limitHeaders);
    }
    const { reply } = handled;
    if (reply.kind !== 'sse') return send(reply, limitHeaders);

    entry.status = 200;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      ...idHeader,
      ...limitHeaders,
    });
    const cut = failure ? Math.max(1, Math.floor(reply.events.length / 2)) : reply.events.length;
    for (let i = 0; i < cut; i++) {
      const delay = state.knobs.streamChunkDelayMs;
      if (i > 0 && delay > 0) await sleep(delay);
      if (res.destroyed) return;
      res.write(formatSse(reply.events[i]!));
    }
    if (failure?.kind === 'disconnect') return void res.destroy();
    if (failure) res.write(formatSse(provider.streamError(failure)));
    res.end();
  }

  function control(method: string, path: string, raw: Buffer, res: ServerResponse): void {
    const reply = (status: number, body: unknown) => writeReply(res, { kind: 'json', status, body });
    if (path === '/__health') return reply(200, { ok: true });
    if (path === '/__knobs' && method === 'GET') return reply(200, state.knobs);
    if (path === '/__knobs' && method === 'POST') {
      try {
        state.set(parseKnobs(JSON.parse(raw.toString('utf8') || '{}')));
      } catch (err) {
        return reply(400, { error: (err as Error).message });
      }
      return reply(200, state.knobs);
    }
    if (path === '/__reset' && method === 'POST') {
      reset();
      return reply(200, { ok: true });
    }
    if (path === '/__requests' && method === 'GET') return reply(200, requests);
    const png = method === 'GET' ? renderImagePath(path) : undefined;
    if (png) return writeReply(res, { kind: 'bytes', status: 200, contentType: 'image/png', body: png });
    return reply(404, { error: `no control endpoint ${method} ${path}` });
  }

  function reset(): void {
    state.reset();
    requests.length = 0;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    requests,
    get knobs() {
      return structuredClone(state.knobs);
    },
    // Validated like the HTTP knobs, so a typo or a negative delay throws instead of being ignored.
    setKnobs: (knobs) => state.set(parseKnobs(knobs)),
    reset,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Streams in flight and keep-alive sockets would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

/** Anthropic for /v1/messages*, and for shared paths (/v1/models) when the request carries Anthropic headers. */
function pickProvider(path: string, req: IncomingMessage): Provider {
  if (path.startsWith('/v1/messages')) return anthropic;
  if (req.headers['anthropic-version'] || req.headers['x-api-key']) return anthropic;
  return openai;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function formatSse(e: SseEvent): string {
  return `${e.event ? `event: ${e.event}\n` : ''}data: ${e.data}\n\n`;
}

function writeReply(res: ServerResponse, reply: Reply, headers: Record<string, string> = {}): void {
  if (reply.kind === 'sse') throw new Error('streams are written by the handler');
  if (reply.kind === 'bytes') {
    res.writeHead(reply.status, { 'content-type': reply.contentType, 'content-length': reply.body.length, ...headers });
    res.end(reply.body);
    return;
  }
  const payload = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...headers,
    ...reply.headers,
  });
  res.end(payload);
}
