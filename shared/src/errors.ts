import { z } from 'zod';

/**
 * Every error the API can answer with. The UI and the plugin switch on these codes, never on messages.
 * Keep the HTTP status beside the code so server and clients agree on both.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: 422,
  MALFORMED_JSON: 400,
  /** The URL cannot be decoded (a broken percent-escape, say). */
  MALFORMED_URL: 400,
  BAD_REQUEST: 400,
  /** The client hung up before its request was complete (only ever seen in logs). */
  REQUEST_ABORTED: 400,
  REQUEST_TIMEOUT: 408,
  /** A path parameter is longer than the server reads (100 characters). */
  URL_TOO_LONG: 414,
  HEADERS_TOO_LARGE: 431,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  UNAUTHENTICATED: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_INVALID: 401,
  API_KEY_INVALID: 401,
  API_KEY_REVOKED: 401,
  INVALID_CREDENTIALS: 401,
  REFRESH_TOKEN_INVALID: 401,
  REFRESH_TOKEN_REUSED: 401,
  SIGNATURE_INVALID: 401,
  SIGNATURE_EXPIRED: 401,
  SIGNATURE_REPLAYED: 401,
  SITE_NOT_CONNECTED: 401,
  CONNECTION_KEY_INVALID: 401,
  /** A connection grant (Connect to IGNY8) that does not exist, expired (10 minutes) or was used: press Connect again. */
  CONNECTION_GRANT_INVALID: 401,
  /** The state sent with a connection grant is not the one the grant was issued for. */
  CONNECT_STATE_MISMATCH: 401,
  INSUFFICIENT_CREDITS: 402,
  /** The run would take the site past its monthly credit budget (details: siteId, budget, remaining, needed). */
  SITE_BUDGET_EXCEEDED: 402,
  FORBIDDEN: 403,
  INSUFFICIENT_SCOPE: 403,
  ROLE_REQUIRED: 403,
  OPERATOR_REQUIRED: 403,
  /**
   * A request using (or asking for) the browser session cookie came from another origin than the server's own or one
   * in SESSION_ALLOWED_ORIGINS, or named no origin at all.
   */
  CSRF_ORIGIN_REFUSED: 403,
  ACCOUNT_SUSPENDED: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  EMAIL_TAKEN: 409,
  SITE_URL_TAKEN: 409,
  SECTOR_NAME_TAKEN: 409,
  ALREADY_MEMBER: 409,
  LAST_OWNER: 409,
  JOB_NOT_CANCELLABLE: 409,
  /** Only a failed job can be retried, and only while its input is kept (7 days). */
  JOB_NOT_RETRYABLE: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  AI_NOT_CONFIGURED: 409,
  /** The same work is already queued or running for this item: wait for that job, or cancel it. */
  JOB_IN_PROGRESS: 409,
  INVITATION_INVALID: 410,
  /** The password reset link was used, replaced by a newer one, or is older than an hour. */
  PASSWORD_RESET_INVALID: 410,
  /** The email confirmation link was used or expired. */
  EMAIL_CHANGE_INVALID: 410,
  SITE_URL_FORBIDDEN: 422,
  PROVIDER_URL_FORBIDDEN: 422,
  SITE_URL_MISMATCH: 422,
  /** A connection grant was issued for another site address than the one connecting. */
  CONNECTION_GRANT_WRONG_SITE: 422,
  /** The address to send the browser back to is not the wp-admin of the site being connected. */
  RETURN_URL_NOT_ON_SITE: 422,
  SITE_VERIFICATION_FAILED: 422,
  RATE_LIMITED: 429,
  /** Too many failed sign-ins for one email: sign-in for it pauses for a while that grows with each pause. */
  LOGIN_LOCKED: 429,
  SITE_UNREACHABLE: 502,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const satisfies Record<string, number>;

export type TErrorCode = keyof typeof ERROR_CODES;
export const ZErrorCode = z.enum(Object.keys(ERROR_CODES) as [TErrorCode, ...TErrorCode[]]);

/** One offending field of a request, as `details.fields[]` of a VALIDATION_FAILED error. */
export const ZFieldIssue = z.object({
  /** Where the field is: "body", "query", "params" or "headers". */
  in: z.string(),
  /** Dotted path of the field, e.g. "sectors.0.name"; empty for the whole part. */
  field: z.string(),
  message: z.string(),
});
export type TFieldIssue = z.infer<typeof ZFieldIssue>;
