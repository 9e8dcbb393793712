import pino, { type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';

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
        // Provider API keys (a request body or a client's options logged by mistake).
        '*.apiKey',
      ],
      censor: '[redacted]',
    },
  };
}

export type LogFormat = 'json' | 'pretty';

/**
 * The process's logger: one JSON object a line (for log collectors) unless `format` is pretty, which prints short
 * coloured lines for a person at a terminal. LOG_FORMAT chooses; by default pretty when stdout is a terminal.
 */
export function createLogger(level: string, format: LogFormat): Logger {
  if (format === 'json') return pino(loggerOptions(level));
  // Synchronous, in this thread: the last lines before an exit are never lost in a transport's worker.
  const stream = pretty({
    colorize: Boolean(process.stdout.isTTY),
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname',
    singleLine: true,
    sync: true,
  });
  return pino(loggerOptions(level), stream);
}
