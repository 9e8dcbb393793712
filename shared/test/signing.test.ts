import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  canonicalQuery,
  canonicalString,
  checkContentHash,
  checkSignature,
  checkTimestamp,
  generateKeyPair,
  parseSignatureHeaders,
  signRequest,
  SignatureError,
} from '../src/signing.ts';

const vectors = JSON.parse(readFileSync(new URL('../test-vectors/signing.json', import.meta.url), 'utf8'));

describe('signing vectors (shared with the PHP implementation)', () => {
  for (const v of vectors.cases) {
    it(v.name, () => {
      expect(canonicalString(v)).toBe(v.canonical);
      const headers = signRequest(v, vectors.key);
      expect(headers['x-igny8-signature']).toBe(v.signature);
      expect(() => checkSignature({ ...v }, v.signature, vectors.key.publicKey)).not.toThrow();
    });
  }
});

describe('signature checks', () => {
  const key = generateKeyPair();
  const base = {
    method: 'POST',
    url: 'https://api.igny8.test/api/v1/connect/heartbeat?x=1',
    body: '{"a":1}',
    siteId: '6f1c2a4e-8b3d-4c5e-9f70-1a2b3c4d5e6f',
    siteUrl: 'https://blog.example.com',
  };
  const headers = signRequest(base, key);
  const parsed = parseSignatureHeaders(headers);
  const verify = (over: Partial<typeof base>) =>
    checkSignature(
      { ...base, ...over, timestamp: parsed.timestamp, nonce: parsed.nonce, contentSha256: parsed.contentSha256 },
      parsed.signature,
      key.publicKey,
    );

  it('verifies an untouched request', () => {
    expect(() => verify({})).not.toThrow();
  });

  it('fails when any signed part changes', () => {
    for (const change of [
      { url: 'https://api.igny8.test/api/v1/connect/heartbeaT?x=1' },
      { url: 'https://api.igny8.test/api/v1/connect/heartbeat?x=2' },
      { url: 'https://api.igny8.test/api/v1/connect/heartbeat?x=1&y=' },
      { url: 'https://evil.igny8.test/api/v1/connect/heartbeat?x=1' },
      { method: 'PUT' },
      { siteUrl: 'https://staging.blog.example.com' },
      { siteId: '00000000-8b3d-4c5e-9f70-1a2b3c4d5e6f' },
    ]) {
      expect(() => verify(change), JSON.stringify(change)).toThrow(SignatureError);
    }
    expect(() => checkContentHash('{"a":2}', parsed.contentSha256)).toThrow(/body does not match/);
  });

  it('refuses timestamps more than 300 s off', () => {
    expect(() => checkTimestamp(1000, 1300)).not.toThrow();
    expect(() => checkTimestamp(1000, 1301)).toThrow(expect.objectContaining({ code: 'SIGNATURE_EXPIRED' }));
    expect(() => checkTimestamp(1301, 1000)).toThrow(expect.objectContaining({ code: 'SIGNATURE_EXPIRED' }));
  });

  it('refuses malformed headers', () => {
    expect(() => parseSignatureHeaders({ ...headers, 'x-igny8-version': '2' })).toThrow(/Version/);
    expect(() => parseSignatureHeaders({ ...headers, 'x-igny8-nonce': 'short' })).toThrow(/Nonce/);
    expect(() => parseSignatureHeaders({ ...headers, 'x-igny8-signature': undefined })).toThrow(/Signature/);
  });

  it('sorts and re-encodes the query', () => {
    expect(canonicalQuery('?b=1&a=%7e&a=+x')).toBe('a=%20x&a=~&b=1');
  });
});
