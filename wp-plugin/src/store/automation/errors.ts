import { toApiError } from '../../api/client';
import type { AutomationError, AutomationSection } from './types';

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

/**
 * A failed request as a section shows it. The server's VALIDATION_FAILED names each refused field in
 * `details.fields` (`[{ in, field, message }]`, the message without the field's name); `fieldLabels` names the
 * fields as the form does, so the message under a field reads "Keywords per run must be at most 5000".
 */
export const toAutomationError = (
  section: AutomationSection,
  operation: AutomationError['operation'],
  thrown: unknown,
  fieldLabels: Record<string, string> = {},
): AutomationError => {
  const error = toApiError(thrown);
  const fields: Record<string, string> = {};
  const serverFields = asRecord(error.details).fields;
  if (Array.isArray(serverFields)) {
    for (const item of serverFields.map(asRecord)) {
      if (typeof item.field === 'string' && typeof item.message === 'string') {
        const field = item.field.replace(/^body\./, '');
        fields[field] = `${fieldLabels[field] ?? field} ${item.message}`;
      }
    }
  }
  return { section, operation, code: error.code, message: error.message, fields };
};
