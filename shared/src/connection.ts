import { z } from 'zod';
import { ZLanguage } from './tenancy.ts';

const ZKeyId = z.string().regex(/^[0-9a-f]{16}$/, { message: 'must be 16 lower-case hex characters' });
const ZPublicKey = z.string().regex(/^[A-Za-z0-9_-]{43}$/, { message: 'must be a base64url Ed25519 public key' });
const ZHttpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2048);

/** Created by an account admin, pasted into the plugin; single use. */
export const ZCreatedConnectionKey = z.object({ key: z.string(), expiresAt: z.string() });

/**
 * A connection key as the account's list shows it (never the key itself). One-click connect grants are not keys a
 * member made to paste, so they are not listed.
 */
export const ZConnectionKey = z.object({
  id: z.uuid(),
  /** unused: can still connect a site; used: connected siteId; expired or revoked: cannot be used. */
  status: z.enum(['unused', 'used', 'expired']),
  createdByName: z.string().nullable(),
  siteId: z.uuid().nullable(),
  siteName: z.string().nullable(),
  expiresAt: z.string(),
  usedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type TConnectionKey = z.infer<typeof ZConnectionKey>;

/**
 * The state the plugin makes for one "Connect to IGNY8" (at least 32 base64url characters, single use): the grant
 * is issued for it, the browser brings it back, and only that state redeems the grant.
 */
export const ZConnectState = z
  .string({ message: 'is required: start again from IGNY8 > Connection in wp-admin' })
  .min(32, { message: 'must be at least 32 characters: start again from IGNY8 > Connection in wp-admin' })
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, { message: 'must be letters, digits, "-" or "_" (as the plugin makes it)' });

/** Connect to IGNY8: a member approves connecting a site; the answer sends the browser back to the site. */
export const ZConnectGrantBody = z.strictObject({
  /** The site's home URL, as the plugin sent it (`site_url`). */
  siteUrl: ZHttpUrl,
  state: ZConnectState,
  /** Where to send the browser back: the plugin's Connection screen in the same site's wp-admin (`return_url`). */
  returnUrl: ZHttpUrl,
  /** The new site's first sector. */
  sector: z.strictObject({ name: z.string().trim().min(1).max(120), language: ZLanguage.optional() }).optional(),
});
export type TConnectGrantBody = z.infer<typeof ZConnectGrantBody>;

export const ZConnectGrant = z.object({
  /** `returnUrl` with `igny8_grant` and `igny8_state` added: send the browser there. */
  redirectUrl: z.string(),
  expiresAt: z.string(),
});
export type TConnectGrant = z.infer<typeof ZConnectGrant>;

export const ZConnectGrantPreviewQuery = z.object({
  siteUrl: z.string({ message: 'is required (the site_url the plugin sent)' }).min(1).max(2048),
  returnUrl: z.string({ message: 'is required (the return_url the plugin sent)' }).min(1).max(2048),
});

/** Whether a site URL and return URL pair can be connected, before anyone signs in. */
export const ZConnectGrantPreview = z.object({
  /** The site's address as it would be connected (normalized), or as given when it is not a URL. */
  siteUrl: z.string(),
  /** The host (and port) the browser would be sent back to, or null when the return URL is not a URL. */
  returnHost: z.string().nullable(),
  ok: z.boolean(),
  /** Why not, when `ok` is false: the code and message `POST /connect/grants` would answer. */
  problem: z.object({ code: z.string(), message: z.string(), field: z.string() }).optional(),
});
export type TConnectGrantPreview = z.infer<typeof ZConnectGrantPreview>;

/**
 * First contact from the plugin (server to server). See docs/connection-protocol.md, "Handshake". The credential
 * is either a connection key pasted in wp-admin or a connection grant with its state (Connect to IGNY8).
 */
export const ZConnectRegisterBody = z
  .strictObject({
    connectionKey: z.string().min(20).max(200).optional(),
    grant: z.string().min(20).max(200).optional(),
    state: ZConnectState.optional(),
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
  })
  .superRefine((body, ctx) => {
    if ((body.connectionKey === undefined) === (body.grant === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['connectionKey'],
        message: 'send either connectionKey (a key pasted in wp-admin) or grant and state (Connect to IGNY8)',
      });
    } else if (body.grant !== undefined && body.state === undefined) {
      ctx.addIssue({ code: 'custom', path: ['state'], message: 'is required with a grant' });
    }
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
