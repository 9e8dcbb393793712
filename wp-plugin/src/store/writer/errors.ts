import { toOperationError } from '../operations';
import type { WriterError, WriterOperation } from './types';

/** A failed request as the writer screens show it (see toOperationError). */
export const toWriterError = (operation: WriterOperation, thrown: unknown): WriterError =>
  toOperationError(operation, thrown);

/** Whether an edit was refused because someone saved a newer version first (HTTP 409). */
export const isVersionConflict = (error: WriterError | null): boolean =>
  error !== null && error.operation === 'edit' && error.code === 'CONFLICT';
