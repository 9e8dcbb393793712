/**
 * The site <-> server request signature (docs/connection-protocol.md), shared by the server and any TypeScript
 * client. Ed25519 over a canonical string of the request; the PHP twin is wp-plugin/includes/Connection/Signature.php
 * and both are checked against shared/test-vectors/signing.json.
 *
 * Pure JavaScript (@noble/ed25519, @noble/hashes: audited, dependency-free), so this module has no Node or DOM APIs.
 */
import * as ed from '@noble/ed25519';
import { sha256 } from '@noble/hashes/sha2.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';

ed.hashes.sha512 = sha512;

export const SIGNATURE_VERSION = '1';
export const SIGNATURE_WINDOW_SECONDS = 300;
/** Nonces are remembered twice as long as the window, so none can be replayed while its timestamp is valid. */
export const NONCE_TTL_SECONDS = 600;

export const SIGNATURE_HEADERS = {
  version: 'x-igny8-version',
  site: 'x-igny8-site',
  keyId: 'x-igny8-key-id',
  timestamp: 'x-igny8-timestamp',
  nonce: 'x-igny8-nonce',
  contentSha256: 'x-igny8-content-sha256',
  signature: 'x-igny8-signature',
} as const;

const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const KEY_ID = /^[0-9a-f]{16}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64url(text: string): Uint8Array {
  if (!BASE64URL.test(text)) throw new Error('not base64url');
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export function sha256Hex(body: string | Uint8Array): string {
  return bytesToHex(sha256(typeof body === 'string' ? utf8ToBytes(body) : body));
}

/** RFC 3986 encoding, as PHP's rawurlencode. */
function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeQueryPart(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/** Every name=value pair decoded, re-encoded with RFC 3986 rules, sorted by name then value (byte order). */
export function canonicalQuery(rawQuery: string): string {
  const query = rawQuery.startsWith('?') ? rawQuery.slice(1) : rawQuery;
  if (!query) return '';
  const pairs = query
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      const name = eq === -1 ? part : part.slice(0, eq);
      const value = eq === -1 ? '' : part.slice(eq + 1);
      return [rfc3986(decodeQueryPart(name)), rfc3986(decodeQueryPart(value))] as const;
    });
  pairs.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

/** The site URL as both sides compare it: scheme, lower-case host, port if any, path without trailing slash. */
export function normalizeSiteUrl(raw: string): string {
  const url = new URL(raw);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

export interface SignedRequestParts {
  method: string;
  /** The full URL the request is sent to (host, path and query are signed). */
  url: string;
  body: string | Uint8Array;
  siteId: string;
  siteUrl: string;
  timestamp: number;
  nonce: string;
  contentSha256?: string;
}

export function canonicalString(parts: SignedRequestParts): string {
  const url = new URL(parts.url);
  // URL.host already drops default ports and lower-cases the host.
  const rawPath = parts.url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').split(/[?#]/)[0] || '/';
  return [
    'IGNY8-SIG-V1',
    parts.method.toUpperCase(),
    url.host.toLowerCase(),
    rawPath,
    canonicalQuery(url.search),
    String(parts.timestamp),
    parts.nonce,
    parts.contentSha256 ?? sha256Hex(parts.body),
    parts.siteId,
    normalizeSiteUrl(parts.siteUrl),
  ].join('\n');
}

export interface KeyPair {
  keyId: string;
  /** base64url of the 32-byte seed. Keep secret. */
  privateKey: string;
  /** base64url of the 32-byte public key. */
  publicKey: string;
}

export function generateKeyPair(): KeyPair {
  const secret = ed.utils.randomSecretKey();
  return {
    keyId: bytesToHex(randomBytes(8)),
    privateKey: base64url(secret),
    publicKey: base64url(ed.getPublicKey(secret)),
  };
}

export function newNonce(): string {
  return base64url(randomBytes(24));
}

/** The headers to send with a request, signed with `key`. */
export function signRequest(
  parts: Omit<SignedRequestParts, 'timestamp' | 'nonce'> & { timestamp?: number; nonce?: string },
  key: { keyId: string; privateKey: string },
): Record<string, string> {
  const timestamp = parts.timestamp ?? Math.floor(Date.now() / 1000);
  const nonce = parts.nonce ?? newNonce();
  const contentSha256 = sha256Hex(parts.body);
  const message = utf8ToBytes(canonicalString({ ...parts, timestamp, nonce, contentSha256 }));
  const signature = ed.sign(message, fromBase64url(key.privateKey));
  return {
    [SIGNATURE_HEADERS.version]: SIGNATURE_VERSION,
    [SIGNATURE_HEADERS.site]: parts.siteId,
    [SIGNATURE_HEADERS.keyId]: key.keyId,
    [SIGNATURE_HEADERS.timestamp]: String(timestamp),
    [SIGNATURE_HEADERS.nonce]: nonce,
    [SIGNATURE_HEADERS.contentSha256]: contentSha256,
    [SIGNATURE_HEADERS.signature]: base64url(signature),
  };
}

export type SignatureFailure = 'SIGNATURE_INVALID' | 'SIGNATURE_EXPIRED' | 'SIGNATURE_REPLAYED' | 'SITE_NOT_CONNECTED';

export class SignatureError extends Error {
  constructor(
    readonly code: SignatureFailure,
    message: string,
  ) {
    super(message);
    this.name = 'SignatureError';
  }
}

export interface ParsedSignatureHeaders {
  siteId: string;
  keyId: string;
  timestamp: number;
  nonce: string;
  contentSha256: string;
  signature: string;
}

/** Step 1 of verification: every header present and well-formed. Header names must be lower-case keys. */
export function parseSignatureHeaders(headers: Record<string, string | string[] | undefined>): ParsedSignatureHeaders {
  const get = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const invalid = (what: string) =>
    new SignatureError('SIGNATURE_INVALID', `The request signature is invalid: ${what}.`);
  if (get(SIGNATURE_HEADERS.version) !== SIGNATURE_VERSION) throw invalid('unsupported or missing X-IGNY8-Version');
  const siteId = get(SIGNATURE_HEADERS.site) ?? '';
  const keyId = get(SIGNATURE_HEADERS.keyId) ?? '';
  const timestamp = get(SIGNATURE_HEADERS.timestamp) ?? '';
  const nonce = get(SIGNATURE_HEADERS.nonce) ?? '';
  const contentSha256 = get(SIGNATURE_HEADERS.contentSha256) ?? '';
  const signature = get(SIGNATURE_HEADERS.signature) ?? '';
  if (!UUID.test(siteId)) throw invalid('X-IGNY8-Site must be a site id');
  if (!KEY_ID.test(keyId)) throw invalid('X-IGNY8-Key-Id must be 16 hex characters');
  if (!/^\d{1,12}$/.test(timestamp)) throw invalid('X-IGNY8-Timestamp must be Unix seconds');
  if (!NONCE.test(nonce)) throw invalid('X-IGNY8-Nonce must be 16-64 characters of [A-Za-z0-9_-]');
  if (!/^[0-9a-f]{64}$/.test(contentSha256)) throw invalid('X-IGNY8-Content-SHA256 must be lower-case hex');
  if (!BASE64URL.test(signature) || signature.length !== 86) throw invalid('X-IGNY8-Signature must be base64url');
  return { siteId, keyId, timestamp: Number(timestamp), nonce, contentSha256, signature };
}

/** Step 2: the timestamp is within the window of `now` (seconds). */
export function checkTimestamp(timestamp: number, now = Math.floor(Date.now() / 1000)): void {
  if (Math.abs(now - timestamp) > SIGNATURE_WINDOW_SECONDS) {
    throw new SignatureError(
      'SIGNATURE_EXPIRED',
      `The request timestamp is more than ${SIGNATURE_WINDOW_SECONDS} seconds off: check the clock of the sending machine.`,
    );
  }
}

/** Step 3: the body is the one that was signed. */
export function checkContentHash(body: string | Uint8Array, contentSha256: string): void {
  if (sha256Hex(body) !== contentSha256) {
    throw new SignatureError(
      'SIGNATURE_INVALID',
      'The request signature is invalid: the body does not match its hash.',
    );
  }
}

/** Step 6 (after the nonce was consumed): the signature over the rebuilt canonical string. */
export function checkSignature(
  parts: Omit<SignedRequestParts, 'contentSha256'> & { contentSha256: string },
  signature: string,
  publicKey: string,
): void {
  let ok = false;
  try {
    ok = ed.verify(fromBase64url(signature), utf8ToBytes(canonicalString(parts)), fromBase64url(publicKey));
  } catch {
    ok = false;
  }
  if (!ok) throw new SignatureError('SIGNATURE_INVALID', 'The request signature is invalid.');
}
