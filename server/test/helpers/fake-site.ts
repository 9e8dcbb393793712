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
