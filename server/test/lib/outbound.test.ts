import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOutboundUrl, outboundFetch, type OutboundOptions, type ResolvedAddress } from '../../src/lib/outbound.ts';

/** A resolver standing in for DNS (there is none here); answers may change per call, to mimic rebinding. */
function fakeDns(table: Record<string, string[] | ((call: number) => string[])>) {
  const calls: string[] = [];
  const resolve = async (hostname: string): Promise<ResolvedAddress[]> => {
    calls.push(hostname);
    const entry = table[hostname];
    const answer = typeof entry === 'function' ? entry(calls.filter((h) => h === hostname).length) : entry;
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { resolve, calls };
}

const dns = fakeDns({
  localhost: ['127.0.0.1', '::1'],
  'localtest.me': ['127.0.0.1'],
  'internal.example': ['10.1.2.3'],
  'v6private.example': ['fd12:3456::1'],
  'nat64.example': ['64:ff9b::a00:1'],
  'mixed.example': ['93.184.216.34', '192.168.0.10'],
  'public.example': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  'nowhere.example': [],
});
const strict: OutboundOptions = { allowPrivateNetworks: false, resolve: dns.resolve };
const dev: OutboundOptions = { allowPrivateNetworks: true, resolve: dns.resolve };

describe('checkOutboundUrl', () => {
  it.each([
    'http://127.0.0.1/',
    'http://127.1/',
    'http://2130706433/',
    'http://0177.0.0.1/',
    'http://0x7f.1/',
    'http://0.0.0.0/',
    'http://10.0.0.1/',
    'http://172.16.0.1/',
    'http://192.168.1.1/',
    'http://100.64.0.1/',
    'http://169.254.169.254/latest/meta-data',
    'http://224.0.0.1/',
    'http://255.255.255.255/',
    'http://[::1]/',
    'http://[::]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[0:0:0:0:0:ffff:127.0.0.1]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[::127.0.0.1]/',
    'http://[fc00::1]/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://[fd00:ec2::254]/',
    'http://[64:ff9b::7f00:1]/',
    'http://[2002:7f00:1::]/',
    'http://[ff02::1]/',
    'http://localhost/',
    'http://localtest.me:8080/',
    'http://internal.example/',
    'http://v6private.example/',
    'http://nat64.example/',
    'http://mixed.example/',
    'http://metadata.google.internal/computeMetadata/v1/',
  ])('refuses %s', async (url) => {
    await expect(checkOutboundUrl(url, strict)).rejects.toMatchObject({ code: 'URL_FORBIDDEN_ADDRESS' });
  });

  it('refuses localhost through the system resolver (/etc/hosts)', async () => {
    await expect(checkOutboundUrl('http://LOCALHOST:3000/', { allowPrivateNetworks: false })).rejects.toMatchObject({
      code: 'URL_FORBIDDEN_ADDRESS',
    });
  });

  it('refuses numeric IPv4 spellings because URL parsing normalizes them to the dotted address first', async () => {
    for (const url of ['http://2130706433/', 'http://0177.0.0.1/', 'http://0x7f.1/', 'http://127.1/']) {
      expect(new URL(url).hostname).toBe('127.0.0.1');
      await expect(checkOutboundUrl(url, strict)).rejects.toThrow('127.0.0.1 points to this machine');
    }
  });

  it.each(['file:///etc/passwd', 'gopher://x', 'ftp://example.com/', 'http://user:pass@example.com/', 'not a url'])(
    'refuses %s as invalid',
    async (url) => {
      await expect(checkOutboundUrl(url, strict)).rejects.toMatchObject({ code: 'URL_INVALID' });
    },
  );

  it('reports hosts that do not resolve', async () => {
    for (const url of ['http://nowhere.example/', 'http://unknown.example/']) {
      await expect(checkOutboundUrl(url, strict)).rejects.toMatchObject({ code: 'URL_UNRESOLVABLE' });
    }
  });

  it('passes public addresses, on any port', async () => {
    const result = await checkOutboundUrl('https://public.example:8443/wp-json/', strict);
    expect(result.addresses).toEqual(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']);
    expect(result.url.host).toBe('public.example:8443');
    await expect(checkOutboundUrl('http://93.184.216.34/', strict)).resolves.toBeTruthy();
    await expect(checkOutboundUrl('http://[::ffff:5db8:d822]/', strict)).resolves.toBeTruthy();
  });

  it('allows private networks only when told to, and never cloud metadata', async () => {
    for (const url of ['http://127.0.0.1/', 'http://localhost/', 'http://[fd12::1]/', 'http://10.0.0.1/']) {
      await expect(checkOutboundUrl(url, dev)).resolves.toBeTruthy();
    }
    for (const url of [
      'http://169.254.169.254/',
      'http://[fd00:ec2::254]/',
      'http://[::ffff:169.254.169.254]/',
      'http://100.100.100.200/',
      'http://metadata.google.internal/',
    ]) {
      await expect(checkOutboundUrl(url, dev)).rejects.toMatchObject({ code: 'URL_FORBIDDEN_ADDRESS' });
    }
  });

  it('passes a name that does not resolve when asked to (saving a record), never a refused address', async () => {
    const saved = await checkOutboundUrl('https://not-yet.example/', strict, { allowUnresolved: true });
    expect(saved.addresses).toEqual([]);
    await expect(checkOutboundUrl('http://localhost/', strict, { allowUnresolved: true })).rejects.toMatchObject({
      code: 'URL_FORBIDDEN_ADDRESS',
    });
  });

  it('resolves once, so a rebinding answer is never used', async () => {
    const rebinding = fakeDns({ 'rebind.example': (call) => (call === 1 ? ['93.184.216.34'] : ['127.0.0.1']) });
    const result = await checkOutboundUrl('http://rebind.example/', { allowPrivateNetworks: false, ...rebinding });
    expect(result.addresses).toEqual(['93.184.216.34']);
    expect(rebinding.calls).toEqual(['rebind.example']);
  });
});

describe('outboundFetch against a local server', () => {
  let server: Server;
  let port: number;
  let base: string;
  let hits = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++;
      const path = req.url ?? '/';
      const redirect = (location: string, status = 302) => res.writeHead(status, { location }).end();
      if (path === '/echo') {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => res.end(JSON.stringify({ method: req.method, headers: req.headers, body })));
      } else if (path === '/to-echo') redirect('/echo');
      else if (path === '/see-other') redirect('/echo', 303);
      else if (path === '/keep-method') redirect('/echo', 307);
      else if (path === '/to-metadata') redirect('http://169.254.169.254/latest/meta-data');
      else if (path === '/to-file') redirect('file:///etc/passwd');
      else if (path === '/to-other-host') redirect(`http://wp.test:${port}/echo`);
      else if (path === '/loop') redirect('/loop');
      else if (path === '/slow') setTimeout(() => res.end('late'), 5_000);
      else if (path === '/big') res.end(Buffer.alloc(64 * 1024, 'x'));
      else if (path === '/big-stream') {
        res.write(Buffer.alloc(600, 'x'));
        setTimeout(() => res.end(Buffer.alloc(600, 'x')), 20);
      } else res.writeHead(404).end('no');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses the local server without the development setting, before connecting', async () => {
    const before = hits;
    await expect(outboundFetch(`${base}/echo`, {}, strict)).rejects.toMatchObject({ code: 'URL_FORBIDDEN_ADDRESS' });
    expect(hits).toBe(before);
  });

  it('sends method, headers and body', async () => {
    const res = await outboundFetch(
      `${base}/echo`,
      { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Test': 'yes' }, body: '{"a":1}' },
      dev,
    );
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${base}/echo`);
    const echoed = JSON.parse(res.body.toString());
    expect(echoed).toMatchObject({ method: 'POST', body: '{"a":1}' });
    expect(echoed.headers).toMatchObject({
      'content-type': 'application/json',
      'x-test': 'yes',
      'content-length': '7',
    });
    expect(typeof res.headers['content-length']).toBe('string');
  });

  it('follows a redirect on the same server and reports the final URL', async () => {
    const res = await outboundFetch(`${base}/to-echo`, {}, dev);
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${base}/echo`);
  });

  it('turns a 303 into a GET without body, and keeps the method on 307', async () => {
    const init = { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' };
    const seeOther = JSON.parse((await outboundFetch(`${base}/see-other`, init, dev)).body.toString());
    expect(seeOther).toMatchObject({ method: 'GET', body: '' });
    expect(seeOther.headers['content-type']).toBeUndefined();
    const kept = JSON.parse((await outboundFetch(`${base}/keep-method`, init, dev)).body.toString());
    expect(kept).toMatchObject({ method: 'POST', body: 'hello' });
  });

  it('drops credentials when a redirect leaves the origin', async () => {
    const wp = fakeDns({ 'wp.test': ['127.0.0.1'] });
    const res = await outboundFetch(
      `${base}/to-other-host`,
      { headers: { Authorization: 'Basic secret', 'X-Keep': '1' } },
      { allowPrivateNetworks: true, ...wp },
    );
    const echoed = JSON.parse(res.body.toString());
    expect(echoed.headers.authorization).toBeUndefined();
    expect(echoed.headers['x-keep']).toBe('1');
    expect(echoed.headers.host).toBe(`wp.test:${port}`);
  });

  it('refuses a redirect to cloud metadata even with private networks allowed', async () => {
    await expect(outboundFetch(`${base}/to-metadata`, {}, dev)).rejects.toMatchObject({
      code: 'URL_FORBIDDEN_ADDRESS',
      host: '169.254.169.254',
    });
  });

  it('refuses a redirect to a non-http scheme', async () => {
    await expect(outboundFetch(`${base}/to-file`, {}, dev)).rejects.toMatchObject({ code: 'URL_INVALID' });
  });

  it('stops redirect loops', async () => {
    const before = hits;
    await expect(outboundFetch(`${base}/loop`, {}, dev)).rejects.toMatchObject({ code: 'TOO_MANY_REDIRECTS' });
    expect(hits - before).toBe(4); // the first request and 3 redirects
    await expect(outboundFetch(`${base}/to-echo`, { maxRedirects: 0 }, dev)).rejects.toMatchObject({
      code: 'TOO_MANY_REDIRECTS',
    });
  });

  it('times out slow servers', async () => {
    const started = Date.now();
    await expect(outboundFetch(`${base}/slow`, { timeoutMs: 300 }, dev)).rejects.toMatchObject({
      code: 'URL_TIMEOUT',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('hangs up at once when its signal aborts, as fetch does', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    await expect(outboundFetch(`${base}/slow`, { signal: controller.signal }, dev)).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(outboundFetch(`${base}/echo`, { signal: AbortSignal.abort() }, dev)).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('aborts responses over the size limit, declared or streamed', async () => {
    await expect(outboundFetch(`${base}/big`, { maxResponseBytes: 1024 }, dev)).rejects.toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
    });
    await expect(outboundFetch(`${base}/big-stream`, { maxResponseBytes: 1024 }, dev)).rejects.toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
    });
    expect((await outboundFetch(`${base}/big`, {}, dev)).body.length).toBe(64 * 1024);
  });

  it('reports refused connections as unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(outboundFetch(`http://127.0.0.1:${closedPort}/`, {}, dev)).rejects.toMatchObject({
      code: 'URL_UNREACHABLE',
    });
  });

  it('connects to the address it vetted, resolving once per hop, and keeps the Host header', async () => {
    // Later answers point at metadata: re-resolving at connect time would be refused or go elsewhere.
    const rebinding = fakeDns({ 'rebind.test': (call) => (call === 1 ? ['127.0.0.1'] : ['169.254.169.254']) });
    const res = await outboundFetch(
      `http://rebind.test:${port}/echo`,
      {},
      { allowPrivateNetworks: true, ...rebinding },
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString()).headers.host).toBe(`rebind.test:${port}`);
    expect(rebinding.calls).toEqual(['rebind.test']);

    const stable = fakeDns({ 'wp.test': ['127.0.0.1'] });
    await outboundFetch(`http://wp.test:${port}/to-echo`, {}, { allowPrivateNetworks: true, ...stable });
    expect(stable.calls).toEqual(['wp.test', 'wp.test']);
  });
});

/** A throwaway self-signed certificate for `name`, or null without the openssl CLI. */
function selfSignedCert(name: string): { key: Buffer; cert: Buffer } | null {
  const dir = mkdtempSync(join(tmpdir(), 'outbound-tls-'));
  try {
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'],
        ...['-keyout', key, '-out', cert, '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`],
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(key), cert: readFileSync(cert) };
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('outboundFetch over https', () => {
  const tls = selfSignedCert('wp.test');

  it.skipIf(!tls)(
    'connects to the vetted address but sends SNI and checks the certificate for the hostname',
    async () => {
      const servernames: string[] = [];
      const server = createTlsServer(
        {
          ...tls!,
          SNICallback: (servername, callback) => {
            servernames.push(servername);
            callback(null);
          },
        },
        (_req, res) => res.end('ok'),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as AddressInfo;
        const wp = fakeDns({ 'wp.test': ['127.0.0.1'] });
        // wp.test only exists in the fake resolver, so reaching the server at all proves the vetted address was used;
        // the self-signed certificate must still be rejected, which proves verification is on.
        await expect(
          outboundFetch(`https://wp.test:${port}/`, {}, { allowPrivateNetworks: true, ...wp }),
        ).rejects.toMatchObject({ code: 'URL_UNREACHABLE', message: expect.stringMatching(/SELF_SIGNED/) });
        expect(servernames).toEqual(['wp.test']);
        expect(wp.calls).toEqual(['wp.test']);
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  );
});
