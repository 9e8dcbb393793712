import { __ } from '@wordpress/i18n';
import type { ConnectionError, ConnectionOperation } from './types';

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

/**
 * WordPress answers a failed argument check with `rest_invalid_param` and the generic "Invalid parameter(s): ..."
 * message; the plugin's own explanation of each field is in `data.params`.
 */
const invalidParamMessages = (code: string, body: Record<string, unknown>): string | null => {
  if (code !== 'rest_invalid_param') {
    return null;
  }
  const messages = Object.values(asRecord(asRecord(body.data).params)).filter(
    (message): message is string => typeof message === 'string' && message.trim() !== '',
  );
  return messages.length > 0 ? messages.join(' ') : null;
};

/**
 * api-fetch rejects with the parsed WP_Error body (`{ code, message, data }`), or with its own
 * `{ code: 'fetch_error' | 'invalid_json', message }` when the request did not reach WordPress or the answer
 * was not JSON. Either message is already written for people; anything else gets a generic one.
 */
export const toConnectionError = (operation: ConnectionOperation, thrown: unknown): ConnectionError => {
  const body = asRecord(thrown);
  const code = typeof body.code === 'string' && body.code !== '' ? body.code : 'unknown_error';
  const message =
    invalidParamMessages(code, body) ??
    (typeof body.message === 'string' && body.message.trim() !== ''
      ? body.message
      : __('The request failed. Reload the page and try again.', 'igny8'));
  return { operation, code, message };
};
