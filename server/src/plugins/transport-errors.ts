import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TErrorCode } from '@igny8/shared';
import { errorBody, sendError } from './errors.ts';

/**
 * Errors Fastify raises before a request reaches routing or hooks, answered in the same envelope as every other
 * error. Fastify's `frameworkErrors` option: a URL whose percent-escapes cannot be decoded, and a path parameter
 * longer than maxParamLength (100).
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  request.log.info({ code: error.code }, 'refused a malformed request');
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return sendError(reply, 414, 'URL_TOO_LONG', 'A path parameter is longer than 100 characters: check the URL.');
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    return sendError(reply, 400, 'MALFORMED_URL', 'The URL cannot be decoded: a "%" must start an escape like %20.');
  }
  return sendError(reply, 400, 'BAD_REQUEST', 'The request could not be routed.');
}

const CLIENT_ERRORS: Record<string, { status: number; code: TErrorCode; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'REQUEST_TIMEOUT', message: 'The request took too long to arrive.' },
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'HEADERS_TOO_LARGE',
    message: 'The request headers are too large (16 KB at most).',
  },
  HPE_INVALID_METHOD: { status: 400, code: 'BAD_REQUEST', message: 'The HTTP method is not one this server knows.' },
};

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (an unknown method, oversized headers, a request that
 * never finishes arriving): answered in the envelope with a fresh request id, logged at info. A connection already
 * reset has nobody to answer. Fastify's `clientErrorHandler` option (called with the Fastify instance as `this`).
 */
export function clientErrorHandler(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // The connection ended in the middle of a request: a hang-up, not a bad request.
  if (error.code === 'HPE_INVALID_EOF_STATE') {
    this.log.info({ code: error.code }, 'client closed the connection before the request was complete');
    socket.destroy();
    return;
  }
  const known = CLIENT_ERRORS[error.code ?? ''] ?? {
    status: 400,
    code: 'BAD_REQUEST' as const,
    message: 'The request is not valid HTTP.',
  };
  const requestId = randomUUID();
  this.log.info({ reqId: requestId, code: error.code }, 'refused a request the HTTP parser could not read');
  if (socket.writable) {
    const body = JSON.stringify(errorBody(requestId, known.code, known.message));
    socket.write(
      `HTTP/1.1 ${known.status} ${STATUS_CODES[known.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
