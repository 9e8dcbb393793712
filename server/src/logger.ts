import type { LoggerOptions } from 'pino';

/**
 * Log options shared by the API and workers. Credentials never reach a log line: auth headers, cookies and any
 * field that looks like a secret are censored wherever they appear in a logged object.
 */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        // Request headers that libraries log under their own names (@fastify/multipart's busboyOptions at trace).
        '*.headers.authorization',
        '*.headers.cookie',
        '*.headers["x-api-key"]',
        'res.headers["set-cookie"]',
        '*.password',
        '*.passwordHash',
        '*.token',
        '*.accessToken',
        '*.refreshToken',
        '*.key',
        '*.keyHash',
        '*.tokenHash',
        '*.secret',
      ],
      censor: '[redacted]',
    },
  };
}
