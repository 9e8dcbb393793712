import { toApiError } from '../../api/client';
import type { SettingsError, SettingsSection } from './types';

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

/**
 * A failed request as a panel shows it, with each refused field's own message: WordPress's rest_invalid_param
 * keeps them in `data.params` (igny8/v1/settings), the server's VALIDATION_FAILED in `details.fields`
 * (`[{ in, field, message }]`, the message without the field's name).
 */
export const toSettingsError = (
  section: SettingsSection,
  operation: SettingsError['operation'],
  thrown: unknown,
  fieldLabels: Record<string, string> = {},
): SettingsError => {
  const body = asRecord(thrown);
  const fields: Record<string, string> = {};
  for (const [name, message] of Object.entries(asRecord(asRecord(body.data).params))) {
    if (typeof message === 'string' && message.trim() !== '') {
      fields[name] = message;
    }
  }
  const error = toApiError(thrown);
  const serverFields = asRecord(error.details).fields;
  if (Array.isArray(serverFields)) {
    for (const item of serverFields.map(asRecord)) {
      if (typeof item.field === 'string' && typeof item.message === 'string') {
        fields[item.field] = `${fieldLabels[item.field] ?? item.field} ${item.message}`;
      }
    }
  }
  const fieldMessages = Object.values(fields);
  return {
    section,
    operation,
    code: error.code,
    message: error.code === 'rest_invalid_param' && fieldMessages.length > 0 ? fieldMessages.join(' ') : error.message,
    fields,
  };
};
