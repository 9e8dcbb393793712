import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import {
  checkContentHash,
  checkSignature,
  checkTimestamp,
  generateKeyPair,
  parseSignatureHeaders,
  signRequest,
  type KeyPair,
} from '@igny8/shared';

export interface WpPost {
  id: number;
  title: string;
  slug: string;
  status?: string;
}

/**
 * A stand-in for the WordPress plugin at its network boundary, for server tests that do not need a real WordPress:
 * it answers the handshake callback and verifies the server's signatures with the shared module. The real plugin is
 * exercised by the PHPUnit suite and the end-to-end tests.
 */
export class FakeSite {
  readonly key: KeyPair = generateKeyPair();
  readonly secret1 = randomBytes(32).toString('base64url');
  readonly secret2 = randomBytes(32).toString('base64url');
  serverPublicKey: string | undefined;
  serverKeyId: string | undefined;
  siteId: string | undefined;
  /** Every request received, with whether its server signature verified. */
  readonly received: { method: string; path: string; body: string; signed: boolean }[] = [];
  /** What GET /wp-json/wp/v2/posts and /pages list (as the publishing user), 100 per page with X-WP-TotalPages. */
  readonly wp: { posts: WpPost[]; pages: WpPost[] } = { posts: [], pages: [] };
  #server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const path = req.url ?? '/';
        const send = (status: number, data: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(data));
        };
        if (path === '/wp-json/igny8/v1/connect/verify' && req.method === 'POST') {
          this.received.push({ method: 'POST', path, body, signed: false });
          const ok = JSON.parse(body).secret1 === this.secret1;
          return ok ? send(200, { secret2: this.secret2 }) : send(403, { code: 'igny8_verify_failed' });
        }
        const wpList = /^\/wp-json\/wp\/v2\/(posts|pages)(\?.*)?$/.exec(path);
        if (wpList && req.method === 'GET') {
          this.received.push({ method: 'GET', path, body, signed: false });
          const expected = `Basic ${Buffer.from('igny8-publisher:abcd efgh ijkl mnop qrst uvwx').toString('base64')}`;
          if (req.headers.authorization !== expected) return send(401, { code: 'rest_not_logged_in' });
          const query = new URLSearchParams(wpList[2] ?? '');
          const perPage = Number(query.get('per_page') ?? 10);
          const page = Number(query.get('page') ?? 1);
          const all = this.wp[wpList[1] as 'posts' | 'pages'];
          const totalPages = Math.max(1, Math.ceil(all.length / perPage));
          if (page > totalPages) return send(400, { code: 'rest_post_invalid_page_number' });
          res.writeHead(200, {
            'content-type': 'application/json',
            'x-wp-total': String(all.length),
            'x-wp-totalpages': String(totalPages),
          });
          return res.end(
            JSON.stringify(
              all.slice((page - 1) * perPage, page * perPage).map((p) => ({
                id: p.id,
                title: { raw: p.title, rendered: p.title },
                slug: p.slug,
                link: `${this.url}/${p.slug}/`,
                status: p.status ?? 'publish',
              })),
            ),
          );
        }
        let signed = false;
        try {
          const h = parseSignatureHeaders(req.headers);
          checkTimestamp(h.timestamp);
          checkContentHash(body, h.contentSha256);
          if (h.keyId !== this.serverKeyId || h.siteId !== this.siteId) throw new Error('unknown key');
          checkSignature(
            {
              method: req.method!,
              url: `http://${req.headers.host}${path}`,
              body,
              siteUrl: this.url,
              ...h,
            },
            h.signature,
            this.serverPublicKey!,
          );
          signed = true;
        } catch {
          signed = false;
        }
        this.received.push({ method: req.method!, path, body, signed });
        if (!signed) return send(401, { code: 'igny8_signature_invalid' });
        if (path === '/wp-json/igny8/v1/status')
          return send(200, { wpVersion: '6.1.9', pluginVersion: '0.1.0', phpVersion: '8.2.0' });
        if (path === '/wp-json/igny8/v1/disconnect') return send(200, { disconnected: true });
        if (path === '/wp-json/igny8/v1/rotate-server-key') {
          const next = JSON.parse(body);
          this.serverPublicKey = next.newPublicKey;
          this.serverKeyId = next.newKeyId;
          return send(200, { ok: true });
        }
        return send(404, { code: 'rest_no_route' });
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.#server.address() as { port: number };
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  registerBody(connectionKey: string, over: Record<string, unknown> = {}) {
    return {
      connectionKey,
      siteUrl: this.url,
      restUrl: `${this.url}/wp-json/`,
      name: 'Fake Blog',
      language: 'en-US',
      timezone: 'Europe/Berlin',
      wpVersion: '6.1.9',
      pluginVersion: '0.1.0',
      sitePublicKey: this.key.publicKey,
      siteKeyId: this.key.keyId,
      secret1: this.secret1,
      secret2Hash: createHash('sha256').update(this.secret2).digest('hex'),
      publisher: { username: 'igny8-publisher', applicationPassword: 'abcd efgh ijkl mnop qrst uvwx' },
      ...over,
    };
  }

  accept(result: { siteId: string; serverPublicKey: string; serverKeyId: string }) {
    this.siteId = result.siteId;
    this.serverPublicKey = result.serverPublicKey;
    this.serverKeyId = result.serverKeyId;
  }

  /** Headers for a request to the server, signed with the site key (or `key`). */
  sign(method: string, url: string, body: string, options: { key?: KeyPair; timestamp?: number; nonce?: string } = {}) {
    return signRequest(
      {
        method,
        url,
        body,
        siteId: this.siteId!,
        siteUrl: this.url,
        ...(options.timestamp ? { timestamp: options.timestamp } : {}),
        ...(options.nonce ? { nonce: options.nonce } : {}),
      },
      options.key ?? this.key,
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}
