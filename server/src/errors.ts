import { ERROR_CODES, type TErrorCode } from '@igny8/shared';

/**
 * An error meant for the API's caller: its message is in the product's words and safe to show.
 * Anything thrown that is not an AppError is answered as INTERNAL_ERROR without details.
 */
export class AppError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: TErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
    this.statusCode = ERROR_CODES[code];
  }
}

/** Named constructors, so call sites read as what happened. */
export const errors = {
  notFound: (what: string, id?: string) =>
    new AppError('NOT_FOUND', id ? `${what} ${id} was not found.` : `${what} was not found.`),
  unauthenticated: (message = 'Sign in to continue: send "Authorization: Bearer <access token or API key>".') =>
    new AppError('UNAUTHENTICATED', message),
  roleRequired: (role: string) =>
    new AppError('ROLE_REQUIRED', `This action needs the ${role} role or higher in this account.`, { role }),
  insufficientScope: (scope: string) =>
    new AppError('INSUFFICIENT_SCOPE', `This API key lacks the "${scope}" scope.`, { scope }),
  operatorRequired: () => new AppError('OPERATOR_REQUIRED', 'Only service operators can do this.'),
  conflict: (code: TErrorCode, message: string, details?: Record<string, unknown>) =>
    new AppError(code, message, details),
  badRequest: (message: string, details?: Record<string, unknown>) => new AppError('BAD_REQUEST', message, details),
  validation: (fields: { in: string; field: string; message: string }[]) =>
    new AppError(
      'VALIDATION_FAILED',
      `Some fields are invalid: ${fields.map((f) => `${f.field || f.in} ${f.message}`).join('; ')}.`,
      { fields },
    ),
};
