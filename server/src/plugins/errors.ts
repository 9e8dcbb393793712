import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import type { TErrorCode, TErrorEnvelope, TFieldIssue } from '@igny8/shared';
import { AppError } from '../errors.ts';

const LOCATION: Record<string, string> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };

function fieldIssues(
  error: FastifyError & { validation: { instancePath: string; message?: string }[] },
): TFieldIssue[] {
  const where = LOCATION[error.validationContext ?? 'body'] ?? 'body';
  return error.validation.map((v) => ({
    in: where,
    field: v.instancePath.replace(/^\//, '').replaceAll('/', '.'),
    message: v.message ?? 'is invalid',
  }));
}

/** Fastify's own errors (parsing, limits) mapped to our codes and words. */
function fromFastifyError(error: FastifyError): AppError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('MALFORMED_JSON', 'The request body is not valid JSON. Check quotes, commas and brackets.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('BAD_REQUEST', 'The Content-Length header does not match the body.');
    case 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED':
      return new AppError('TOKEN_EXPIRED', 'The access token has expired: refresh it with POST /api/v1/auth/refresh.');
    default:
      if (error.code?.startsWith('FST_JWT_')) return new AppError('TOKEN_INVALID', 'The access token is not valid.');
      if (error.statusCode === 429) return new AppError('RATE_LIMITED', error.message);
      return undefined;
  }
}

function send(
  reply: FastifyReply,
  request: FastifyRequest,
  status: number,
  code: TErrorCode,
  message: string,
  details?: Record<string, unknown>,
) {
  const body: TErrorEnvelope = {
    success: false,
    error: message,
    code,
    requestId: request.id,
    ...(details ? { details } : {}),
  };
  return reply.status(status).send(body);
}

/** Every error leaves as the error envelope; anything unexpected is logged whole and answered without internals. */
export const errorsPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      return send(reply, request, error.statusCode, error.code, error.message, error.details);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const fields = fieldIssues(error);
      const summary = fields.map((f) => `${f.in}${f.field ? `.${f.field}` : ''}: ${f.message}`).join('; ');
      return send(reply, request, 422, 'VALIDATION_FAILED', `Some fields are invalid. ${summary}`, { fields });
    }
    const mapped = fromFastifyError(error);
    if (mapped) {
      if (mapped.code === 'RATE_LIMITED') reply.header('retry-after', reply.getHeader('retry-after') ?? '60');
      return send(reply, request, mapped.statusCode, mapped.code, mapped.message, mapped.details);
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause.issues }, 'response did not match its schema');
    } else {
      request.log.error({ err: error }, 'unhandled error');
    }
    return send(
      reply,
      request,
      500,
      'INTERNAL_ERROR',
      `Something went wrong on our side. If it keeps happening, report request id ${request.id}.`,
    );
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, request, 404, 'ROUTE_NOT_FOUND', `There is no route ${request.method} ${request.url.split('?')[0]}.`),
  );
});
