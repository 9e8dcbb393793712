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

/** Our code for a client error status that Fastify or a plugin raised without a code we know. */
const CODE_FOR_STATUS: Record<number, TErrorCode> = {
  404: 'ROUTE_NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URL_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  431: 'HEADERS_TOO_LARGE',
};

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
      // Any other client error raised by Fastify or a plugin (a JSON body with __proto__, a multipart limit): its
      // message says what was wrong with the request and holds no internals.
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
        return new AppError(
          CODE_FOR_STATUS[error.statusCode] ?? 'BAD_REQUEST',
          `The request was refused: ${error.message}`,
        );
      }
      return undefined;
  }
}

const ABORT_CODES = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);

/**
 * The client hung up before its request was complete (a body cut short, a closed tab, a proxy timeout). That is
 * expected traffic, not a failure of ours: nobody is left to read an answer.
 */
export function isClientAbort(error: { code?: string; message?: string }, request: FastifyRequest): boolean {
  const gone = request.raw.destroyed || request.raw.socket?.destroyed === true;
  return gone && (ABORT_CODES.has(error.code ?? '') || error.message === 'aborted');
}

/** The error envelope for this request. */
export function errorBody(
  requestId: string,
  code: TErrorCode,
  message: string,
  details?: Record<string, unknown>,
): TErrorEnvelope {
  return { success: false, error: message, code, requestId, ...(details ? { details } : {}) };
}

export function sendError(reply: FastifyReply, status: number, code: TErrorCode, message: string, details?: object) {
  return reply
    .status(status)
    .header('x-request-id', reply.request.id)
    .send(errorBody(reply.request.id, code, message, details as Record<string, unknown> | undefined));
}

/** `/api/v1/sites/:siteId` -> a pattern matching `/api/v1/sites/<anything but a slash>`. */
const routePattern = (url: string) =>
  new RegExp(
    `^${url
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/:\w+/g, '[^/]+')}$`,
  );

/** Every error leaves as the error envelope; anything unexpected is logged whole and answered without internals. */
export const errorsPlugin = fp(async (app: FastifyInstance) => {
  // Methods per route, so a known path asked with the wrong method answers 405 naming the right ones.
  const routes: { pattern: RegExp; methods: Set<string> }[] = [];
  app.addHook('onRoute', (route) => {
    // The CORS preflight route answers OPTIONS on every path; it says nothing about which paths exist.
    if (route.url === '*' || route.url === '/*') return;
    const methods = [route.method].flat().map((m) => m.toUpperCase());
    routes.push({ pattern: routePattern(route.url), methods: new Set(methods) });
  });
  const allowedMethods = (path: string) =>
    [...new Set(routes.filter((r) => r.pattern.test(path)).flatMap((r) => [...r.methods]))].sort();

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      const retryAfter = error.details?.retryAfterSeconds;
      if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
      return sendError(reply, error.statusCode, error.code, error.message, error.details);
    }
    if (isClientAbort(error, request)) {
      request.log.info({ code: error.code }, 'client closed the connection before the request was complete');
      return sendError(reply, 400, 'REQUEST_ABORTED', 'The request was cut short before its body was complete.');
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const fields = fieldIssues(error);
      const summary = fields.map((f) => `${f.in}${f.field ? `.${f.field}` : ''}: ${f.message}`).join('; ');
      return sendError(reply, 422, 'VALIDATION_FAILED', `Some fields are invalid. ${summary}`, { fields });
    }
    const mapped = fromFastifyError(error);
    if (mapped) {
      if (mapped.code === 'RATE_LIMITED') reply.header('retry-after', reply.getHeader('retry-after') ?? '60');
      return sendError(reply, mapped.statusCode, mapped.code, mapped.message, mapped.details);
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause.issues }, 'response did not match its schema');
    } else {
      request.log.error({ err: error }, 'unhandled error');
    }
    return sendError(
      reply,
      500,
      'INTERNAL_ERROR',
      `Something went wrong on our side. If it keeps happening, report request id ${request.id}.`,
    );
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const allowed = allowedMethods(path);
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      reply.header('allow', allowed.join(', '));
      return sendError(
        reply,
        405,
        'METHOD_NOT_ALLOWED',
        `${request.method} is not allowed on ${path}: use ${allowed.join(', ')}.`,
      );
    }
    return sendError(reply, 404, 'ROUTE_NOT_FOUND', `There is no route ${request.method} ${path}.`);
  });
});
