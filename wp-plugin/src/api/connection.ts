/**
 * The plugin's browser-facing REST routes (docs/connection-protocol.md, "Routes"). WordPress checks the
 * `wp_rest` nonce and `manage_options` on each; the browser never talks to the IGNY8 server itself.
 */
import apiFetch from '@wordpress/api-fetch';

export const REST_NAMESPACE = 'igny8/v1';
export const CONNECTION_PATH = `/${REST_NAMESPACE}/connection`;
export const CONNECTION_ROTATE_PATH = `${CONNECTION_PATH}/rotate`;
export const CONNECTION_AUTHORIZE_PATH = `${CONNECTION_PATH}/authorize`;
export const CONNECTION_GRANT_PATH = `${CONNECTION_PATH}/grant`;

/** The query parameters the IGNY8 app sends the browser back to the Connection screen with. */
export const GRANT_PARAM = 'igny8_grant';
export const STATE_PARAM = 'igny8_state';

/** What `GET|POST|DELETE igny8/v1/connection` and `POST igny8/v1/connection/rotate` answer. */
export interface ConnectionStatus {
  connected: boolean;
  /** The server this site is connected to; when not connected, the one Connect to IGNY8 goes to. */
  serverUrl: string | null;
  siteId: string | null;
  accountId: string | null;
  accountName: string | null;
  siteUrl: string;
  keyId: string | null;
  /** ISO 8601 date of the last signed exchange with the server. */
  lastContactAt: string | null;
  credits: { balance: number } | null;
  publisherUser: string | null;
}

export interface ConnectRequest {
  serverUrl: string;
  /** The single-use account connection key; sent to this site's REST route only, never stored by the browser. */
  connectionKey: string;
}

/** What `POST igny8/v1/connection/authorize` answers: where to send the browser to approve the connection. */
export interface AuthorizeAnswer {
  /** `<server>/app/connect?site_url=...&state=...&return_url=...` */
  url: string;
  serverUrl: string;
  expiresAt: string;
}

/** What the IGNY8 app sent the browser back with (`igny8_grant`, `igny8_state`). */
export interface GrantRequest {
  grant: string;
  state: string;
}

export const fetchConnection = () => apiFetch<ConnectionStatus>({ path: CONNECTION_PATH });

export const startConnection = (request: ConnectRequest) =>
  apiFetch<ConnectionStatus>({ path: CONNECTION_PATH, method: 'POST', data: request });

export const deleteConnection = () => apiFetch<ConnectionStatus>({ path: CONNECTION_PATH, method: 'DELETE' });

export const rotateConnectionKey = () => apiFetch<ConnectionStatus>({ path: CONNECTION_ROTATE_PATH, method: 'POST' });

/** Connect to IGNY8: makes a single-use state (10 minutes) and answers the IGNY8 app's address to go to. */
export const authorizeConnection = (serverUrl?: string) =>
  apiFetch<AuthorizeAnswer>({
    path: CONNECTION_AUTHORIZE_PATH,
    method: 'POST',
    data: serverUrl ? { serverUrl } : {},
  });

/** Back from the IGNY8 app: the plugin checks the state and runs the handshake with the grant. */
export const completeGrant = (request: GrantRequest) =>
  apiFetch<ConnectionStatus>({ path: CONNECTION_GRANT_PATH, method: 'POST', data: request });

/**
 * The grant and state in an address the IGNY8 app sent the browser back to, and the same address without them
 * (what the address bar shows once they are read, so a reload or a bookmark does not carry them).
 */
export function readGrantFromUrl(href: string): { request: GrantRequest | null; cleanUrl: string } {
  const url = new URL(href);
  const grant = url.searchParams.get(GRANT_PARAM);
  const state = url.searchParams.get(STATE_PARAM);
  if (grant === null && state === null) {
    return { request: null, cleanUrl: href };
  }
  url.searchParams.delete(GRANT_PARAM);
  url.searchParams.delete(STATE_PARAM);
  return { request: { grant: grant ?? '', state: state ?? '' }, cleanUrl: url.toString() };
}
