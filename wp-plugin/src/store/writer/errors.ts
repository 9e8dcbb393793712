import { toApiError } from '../../api/client';
import type { WriterError, WriterOperation } from './types';

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

/**
 * A failed request as the screen shows it: the server's message (which names the field or item and what to do),
 * followed by each field the server named in a validation failure.
 */
export const toWriterError = (operation: WriterOperation, thrown: unknown): WriterError => {
  const error = toApiError(thrown);
  const fields = asRecord(error.details).fields;
  const fieldMessages = Array.isArray(fields)
    ? fields
        .map((field) => asRecord(field))
        .filter((field) => typeof field.field === 'string' && typeof field.message === 'string')
        .map((field) => `${String(field.field)} ${String(field.message)}`)
    : [];
  const message = fieldMessages.length > 0 ? `${error.message} (${fieldMessages.join('; ')})` : error.message;
  return { operation, code: error.code, message };
};

/** Whether an edit was refused because someone saved a newer version first (HTTP 409). */
export const isVersionConflict = (error: WriterError | null): boolean =>
  error !== null && error.operation === 'edit' && error.code === 'CONFLICT';
