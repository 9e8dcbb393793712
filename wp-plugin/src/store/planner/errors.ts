import { toOperationError } from '../operations';
import type { PlannerError, PlannerOperation } from './types';

/** A failed request as the planner screens show it (see toOperationError). */
export const toPlannerError = (operation: PlannerOperation, thrown: unknown): PlannerError =>
  toOperationError(operation, thrown);
