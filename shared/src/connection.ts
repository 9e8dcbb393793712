import { z } from 'zod';

const ZKeyId = z.string().regex(/^[0-9a-f]{16}$/, { message: 'must be 16 lower-case hex characters' });
const ZPublicKey = z.string().regex(/^[A-Za-z0-9_-]{43}$/, { message: 'must be a base64url Ed25519 public key' });
const ZHttpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2048);

/** Created by an account admin, pasted into the plugin; single use. */
export const ZCreatedConnectionKey = z.object({ key: z.string(), expiresAt: z.string() });

/** First contact from the plugin (server to server). See docs/connection-protocol.md, "Handshake". */
export const ZConnectRegisterBody = z.strictObject({
  connectionKey: z.string().min(20).max(200),
  siteUrl: ZHttpUrl,
  restUrl: ZHttpUrl,
  name: z.string().trim().min(1).max(200),
  language: z.string().trim().max(35).default('en'),
  timezone: z.string().trim().max(64).default('UTC'),
  wpVersion: z.string().max(40),
  pluginVersion: z.string().max(40),
  sitePublicKey: ZPublicKey,
  siteKeyId: ZKeyId,
  secret1: z.string().min(32).max(200),
  secret2Hash: z.string().regex(/^[0-9a-f]{64}$/, { message: 'must be a SHA-256 hex digest' }),
  publisher: z.strictObject({
    username: z.string().min(1).max(60),
    applicationPassword: z.string().min(16).max(200),
  }),
});
export type TConnectRegisterBody = z.infer<typeof ZConnectRegisterBody>;

export const ZConnectRegisterResult = z.object({
  siteId: z.uuid(),
  accountId: z.uuid(),
  accountName: z.string(),
  serverPublicKey: z.string(),
  serverKeyId: z.string(),
  serverUrl: z.string(),
});
export type TConnectRegisterResult = z.infer<typeof ZConnectRegisterResult>;

export const ZHeartbeatBody = z.object({
  wpVersion: z.string().max(40).optional(),
  pluginVersion: z.string().max(40).optional(),
  phpVersion: z.string().max(40).optional(),
  siteUrl: z.string().max(2048).optional(),
});

export const ZHeartbeatResult = z.object({
  siteId: z.uuid(),
  accountName: z.string(),
  credits: z.object({ balance: z.number() }).nullable(),
});

export const ZRotateKeyBody = z.strictObject({ newPublicKey: ZPublicKey, newKeyId: ZKeyId });

export const ZSiteConnection = z.object({
  status: z.enum(['connected', 'disconnected']),
  restUrl: z.string(),
  wpVersion: z.string().nullable(),
  pluginVersion: z.string().nullable(),
  phpVersion: z.string().nullable(),
  health: z.enum(['unknown', 'ok', 'unreachable', 'error']),
  healthDetail: z.string().nullable(),
  healthCheckedAt: z.string().nullable(),
  lastContactAt: z.string().nullable(),
  connectedAt: z.string(),
  disconnectedAt: z.string().nullable(),
  siteKeyId: z.string().nullable(),
  serverKeyId: z.string().nullable(),
  publisherUsername: z.string().nullable(),
});
export type TSiteConnection = z.infer<typeof ZSiteConnection>;
