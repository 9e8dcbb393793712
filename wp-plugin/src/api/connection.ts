/**
 * The plugin's browser-facing REST routes (docs/connection-protocol.md, "Routes"). WordPress checks the
 * `wp_rest` nonce and `manage_options` on each; the browser never talks to the IGNY8 server itself.
 */
import apiFetch from '@wordpress/api-fetch';

export const REST_NAMESPACE = 'igny8/v1';
export const CONNECTION_PATH = `/${REST_NAMESPACE}/connection`;
export const CONNECTION_ROTATE_PATH = `${CONNECTION_PATH}/rotate`;

/** What `GET|POST|DELETE igny8/v1/connection` and `POST igny8/v1/connection/rotate` answer. */
export interface ConnectionStatus {
  connected: boolean;
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

export const fetchConnection = () => apiFetch<ConnectionStatus>({ path: CONNECTION_PATH });

export const startConnection = (request: ConnectRequest) =>
  apiFetch<ConnectionStatus>({ path: CONNECTION_PATH, method: 'POST', data: request });

export const deleteConnection = () => apiFetch<ConnectionStatus>({ path: CONNECTION_PATH, method: 'DELETE' });

export const rotateConnectionKey = () => apiFetch<ConnectionStatus>({ path: CONNECTION_ROTATE_PATH, method: 'POST' });
