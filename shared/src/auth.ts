import { z } from 'zod';

export const ROLES = ['owner', 'admin', 'editor', 'viewer'] as const;
export const ZRole = z.enum(ROLES);
export type TRole = z.infer<typeof ZRole>;

/** Rank of each role: a route requiring `editor` admits owner, admin and editor. */
export const ROLE_RANK: Record<TRole, number> = { owner: 4, admin: 3, editor: 2, viewer: 1 };

/**
 * API key scopes. `<area>:read` allows GET routes of the area, `<area>:write` the rest (and implies read).
 * A key never gets more than the role of the member who created it.
 */
export const API_KEY_SCOPES = [
  'sites:read',
  'sites:write',
  'jobs:read',
  'jobs:write',
  'members:read',
  'members:write',
  'planner:read',
  'planner:write',
  'writer:read',
  'writer:write',
  'publisher:read',
  'publisher:write',
  'automation:read',
  'automation:write',
] as const;
export const ZApiKeyScope = z.enum(API_KEY_SCOPES);
export type TApiKeyScope = z.infer<typeof ZApiKeyScope>;

export const ZEmail = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'must be a valid email address' }))
  .transform((v) => v.toLowerCase());

export const ZPassword = z
  .string()
  .min(10, { message: 'must be at least 10 characters' })
  .max(200, { message: 'must be at most 200 characters' });

export const ZRegisterBody = z.strictObject({
  email: ZEmail,
  password: ZPassword,
  name: z.string().trim().min(1).max(120),
  accountName: z.string().trim().min(1).max(120),
});
export type TRegisterBody = z.infer<typeof ZRegisterBody>;

export const ZLoginBody = z.strictObject({
  email: ZEmail,
  password: z.string().min(1).max(200),
  /** Which account to sign in to when the user belongs to several; the oldest membership otherwise. */
  accountId: z.uuid().optional(),
});
export type TLoginBody = z.infer<typeof ZLoginBody>;

/** Something that happened to a user's sign-in that the user should know about. */
export const SECURITY_EVENT_KINDS = ['sign_in_paused'] as const;
export const ZSecurityEvent = z.object({
  id: z.uuid(),
  /** sign_in_paused: failed sign-ins in a row for the user's email paused sign-in for it (see LOGIN_MAX_FAILURES). */
  kind: z.enum(SECURITY_EVENT_KINDS),
  /** The client address of the attempt, as the server saw it (behind a reverse proxy, see TRUST_PROXY). */
  ip: z.string().nullable(),
  details: z.object({
    /** Failed attempts in a row that led to the pause. */
    failures: z.number().int().optional(),
    /** Until when sign-in was paused (ISO 8601). */
    pausedUntil: z.string().optional(),
  }),
  createdAt: z.string(),
});
export type TSecurityEvent = z.infer<typeof ZSecurityEvent>;

/**
 * The browser session. A request with the header `X-IGNY8-Session: cookie` to register, login, refresh or
 * invitations/accept gets its refresh token as the httpOnly cookie `igny8_refresh` (SameSite=Strict, Path=/api/v1/auth,
 * Secure over https) instead of in the JSON body; refresh and logout read the cookie when the body has no token.
 * Every request that uses the cookie, or asks for it, must come from the server's own origin (the `Origin` header, or
 * `Referer` without one) or one in SESSION_ALLOWED_ORIGINS: otherwise 403 CSRF_ORIGIN_REFUSED.
 */
export const SESSION = {
  /** Request header asking for the cookie session; its one value is `cookie`. */
  modeHeader: 'x-igny8-session',
  modeValue: 'cookie',
  cookie: 'igny8_refresh',
  cookiePath: '/api/v1/auth',
} as const;

/** `refreshToken` may be left out when the browser session's cookie carries it. */
export const ZRefreshBody = z.strictObject({ refreshToken: z.string().min(20).max(200).optional() });
export type TRefreshBody = z.infer<typeof ZRefreshBody>;
export const ZLogoutBody = ZRefreshBody;

export const ZTokens = z.object({
  accessToken: z.string(),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int(),
  /** Absent in the browser session (`X-IGNY8-Session: cookie`): the refresh token is in the igny8_refresh cookie. */
  refreshToken: z.string().optional(),
  tokenType: z.literal('Bearer'),
});
export type TTokens = z.infer<typeof ZTokens>;

export const ZUser = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  isOperator: z.boolean(),
  createdAt: z.string(),
});
export type TUser = z.infer<typeof ZUser>;

export const ZAccount = z.object({
  id: z.uuid(),
  name: z.string(),
  status: z.enum(['active', 'suspended']),
  createdAt: z.string(),
});
export type TAccount = z.infer<typeof ZAccount>;

export const ZSession = z.object({
  user: ZUser,
  account: ZAccount,
  role: ZRole,
  /** How the request was authenticated; API keys also list their scopes. */
  credential: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('user') }),
    z.object({ kind: z.literal('apiKey'), apiKeyId: z.uuid(), scopes: z.array(ZApiKeyScope) }),
  ]),
  accounts: z.array(z.object({ id: z.uuid(), name: z.string(), role: ZRole })),
});
export type TSession = z.infer<typeof ZSession>;

export const ZAuthResult = z.object({ tokens: ZTokens, session: ZSession });
export type TAuthResult = z.infer<typeof ZAuthResult>;

export const ZCreateApiKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(120),
  scopes: z.array(ZApiKeyScope).min(1).max(API_KEY_SCOPES.length),
  /** Days until the key stops working; never when omitted. */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export type TCreateApiKeyBody = z.infer<typeof ZCreateApiKeyBody>;

export const ZApiKey = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(ZApiKeyScope),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type TApiKey = z.infer<typeof ZApiKey>;

/** Returned once, at creation: `key` is never shown again. */
export const ZCreatedApiKey = ZApiKey.extend({ key: z.string() });

/** Asks for a password reset link by mail. The answer is the same whether or not a user has this email. */
export const ZPasswordResetBody = z.strictObject({ email: ZEmail });
export type TPasswordResetBody = z.infer<typeof ZPasswordResetBody>;

/** The token from the reset link (`/app/reset-password?token=...`) and the new password. */
export const ZPasswordResetConfirmBody = z.strictObject({ token: z.string().min(20).max(200), password: ZPassword });
export type TPasswordResetConfirmBody = z.infer<typeof ZPasswordResetConfirmBody>;

/** Asks to change the signed-in user's email: a confirm link goes to `newEmail`, a notice to the current address. */
export const ZEmailChangeBody = z.strictObject({ newEmail: ZEmail, password: z.string().min(1).max(200) });
export type TEmailChangeBody = z.infer<typeof ZEmailChangeBody>;

/** The token from the confirm link (`/app/confirm-email?token=...`). */
export const ZEmailChangeConfirmBody = z.strictObject({ token: z.string().min(20).max(200) });
export type TEmailChangeConfirmBody = z.infer<typeof ZEmailChangeConfirmBody>;

export const ZEmailChangeConfirmed = z.object({ email: z.string() });
export type TEmailChangeConfirmed = z.infer<typeof ZEmailChangeConfirmed>;

/**
 * Moves the signed-in user to another account they belong to (the app's account switcher). The sign-in the refresh
 * token belongs to (the browser session's cookie, or `refreshToken` here) ends: the answer carries new tokens.
 */
export const ZSwitchAccountBody = z.strictObject({
  accountId: z.uuid({ message: 'must be an account id (UUID)' }),
  refreshToken: z.string().min(20).max(200).optional(),
});
export type TSwitchAccountBody = z.infer<typeof ZSwitchAccountBody>;

export const ZSignedOutEverywhere = z.object({
  /** Sign-ins (refresh token families, in every account) that were ended. */
  signInsEnded: z.number().int(),
});
export type TSignedOutEverywhere = z.infer<typeof ZSignedOutEverywhere>;
