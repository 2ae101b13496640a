import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'fastify/types/logger.js';

type Method = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * A request's logger, made when the request first logs. Fastify makes a pino child (with its
 * `requestId` binding) for every request; with redaction configured that is a serialization of
 * the bindings and a few objects per request, and on a busy route (a flash sale's sold-out answer)
 * almost no request ever logs. Lines are the child's, with the same bindings, when one does.
 */
class RequestLogger implements FastifyBaseLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private get log(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings, this.options));
  }

  get level(): string {
    return this.made?.level ?? this.options.level ?? this.parent.level;
  }

  set level(level: string) {
    this.log.level = level;
  }

  private call(method: Method, args: unknown[]): void {
    const log = this.log;
    Reflect.apply(log[method], log, args);
  }

  fatal(...args: unknown[]): void {
    this.call('fatal', args);
  }

  error(...args: unknown[]): void {
    this.call('error', args);
  }

  warn(...args: unknown[]): void {
    this.call('warn', args);
  }

  info(...args: unknown[]): void {
    this.call('info', args);
  }

  debug(...args: unknown[]): void {
    this.call('debug', args);
  }

  trace(...args: unknown[]): void {
    this.call('trace', args);
  }

  silent(...args: unknown[]): void {
    this.call('silent', args);
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.log.child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory`: the request's logger, made on first use. */
export function requestLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new RequestLogger(logger, bindings, options);
}
