import { pino, type Logger } from 'pino';
import type { Config } from './config.js';
import { activeSpanIds } from './tracing.js';

export type { Logger };

/**
 * JSON logs on stdout; every line written for a request carries its `requestId`, and with tracing
 * on, every line written inside a span its `traceId` and `spanId`.
 */
export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'NODE_ENV'>): Logger {
  return pino({
    level: config.LOG_LEVEL,
    base: { service: 'agora' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // pino merges a line's fields into what the mixin returns: a new object each time
    mixin: () => activeSpanIds() ?? {},
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.password',
        '*.refreshToken',
        '*.accessToken',
      ],
      censor: '[redacted]',
    },
  });
}
