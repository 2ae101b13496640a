import CircuitBreaker from 'opossum';
import { SpanKind, traced } from '../../platform/tracing.js';
import type { Logger } from '../../platform/logger.js';
import {
  ProviderRejectedError,
  ProviderUnavailableError,
  type AuthorizeInput,
  type AuthorizeResult,
  type PaymentProvider,
  type ProviderName,
} from './provider.js';

export type Operation = 'authorize' | 'capture' | 'void' | 'refund';

/** One call to a provider, as `payments.attempts` keeps it. */
export interface Attempt {
  provider: ProviderName;
  operation: Operation;
  idempotencyKey: string;
  outcome:
    | 'ok'
    | 'declined'
    | 'requires_action'
    | 'canceled'
    | 'rejected'
    | 'unavailable'
    | 'timeout'
    | 'circuit_open';
  error: string | null;
  durationMs: number;
}

export interface GatewayOptions {
  timeoutMs: number;
  retries: number;
  retryBaseMs: number;
  /** Calls in the rolling window before the circuit may open. */
  breakerThreshold: number;
  breakerErrorPercent: number;
  breakerResetMs: number;
  fallback?: ProviderName;
}

/** A call's value and every attempt it took, for the caller to record in its transaction. */
export interface Called<T> {
  value: T;
  provider: ProviderName;
  attempts: Attempt[];
}

/** Thrown by the gateway with the attempts made, so even a failure is recorded. */
export class GatewayError extends Error {
  constructor(
    override readonly cause: ProviderUnavailableError | ProviderRejectedError,
    readonly attempts: Attempt[],
    readonly provider: ProviderName,
  ) {
    super(cause.message);
    this.name = 'GatewayError';
  }
  get unavailable(): ProviderUnavailableError | null {
    return this.cause instanceof ProviderUnavailableError ? this.cause : null;
  }
}

type Action = () => Promise<unknown>;

/**
 * Every provider call goes through here: one opossum circuit breaker per provider (a timeout on
 * every call; outages count, declines and 4xx refusals do not), retries with exponential backoff
 * and jitter for outages only (every call carries an idempotency key, so a retry cannot double an
 * effect; a timeout is not retried, its budget is spent), and the fallback provider for new
 * authorizations while the requested provider's circuit is open.
 */
export class PaymentGateway {
  private readonly breakers = new Map<ProviderName, CircuitBreaker<[Action], unknown>>();

  constructor(
    private readonly providers: ReadonlyMap<ProviderName, PaymentProvider>,
    private readonly opts: GatewayOptions,
    private readonly log: Logger,
  ) {
    for (const name of providers.keys()) {
      const breaker = new CircuitBreaker<[Action], unknown>((action: Action) => action(), {
        timeout: opts.timeoutMs,
        resetTimeout: opts.breakerResetMs,
        errorThresholdPercentage: opts.breakerErrorPercent,
        volumeThreshold: opts.breakerThreshold,
        rollingCountTimeout: 10_000,
        // A refusal is the provider working as meant: it must not open the circuit.
        errorFilter: (err: unknown) => err instanceof ProviderRejectedError,
      });
      breaker.on('open', () => log.warn({ provider: name }, 'payment provider circuit opened'));
      breaker.on('close', () => log.info({ provider: name }, 'payment provider circuit closed'));
      this.breakers.set(name, breaker);
    }
  }

  has(name: string): name is ProviderName {
    return this.providers.has(name as ProviderName);
  }

  provider(name: ProviderName): PaymentProvider {
    const p = this.providers.get(name);
    if (!p) throw new Error(`payment provider ${name} is not configured`);
    return p;
  }

  isOpen(name: ProviderName): boolean {
    return this.breakers.get(name)?.opened ?? false;
  }

  /**
   * Authorizes with `requested`, or with the fallback while `requested`'s circuit is open.
   * @throws GatewayError
   */
  async authorize(requested: ProviderName, input: AuthorizeInput): Promise<Called<AuthorizeResult>> {
    const fallback = this.opts.fallback;
    const useFallback =
      this.isOpen(requested) &&
      fallback !== undefined &&
      fallback !== requested &&
      this.providers.has(fallback);
    const name = useFallback ? fallback : requested;
    if (useFallback) this.log.warn({ requested, fallback }, 'payment routed to the fallback provider');
    return this.call(
      name,
      'authorize',
      input.idempotencyKey,
      (p) => p.authorize(input),
      (r) => (r.status === 'authorized' ? 'ok' : r.status),
    );
  }

  /** @throws GatewayError */
  async call<T>(
    name: ProviderName,
    operation: Operation,
    idempotencyKey: string,
    fn: (p: PaymentProvider) => Promise<T>,
    outcomeOf: (value: T) => Attempt['outcome'] = () => 'ok',
  ): Promise<Called<T>> {
    const provider = this.provider(name);
    const breaker = this.breakers.get(name)!;
    const attempts: Attempt[] = [];
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      const took = () => Math.round(performance.now() - started);
      try {
        const value = (await breaker.fire(() =>
          traced(
            `payment ${operation}`,
            SpanKind.CLIENT,
            {
              'agora.payment.provider': name,
              'agora.payment.operation': operation,
              'agora.payment.attempt': attempt,
            },
            () => fn(provider),
          ),
        )) as T;
        attempts.push({
          provider: name,
          operation,
          idempotencyKey,
          outcome: outcomeOf(value),
          error: null,
          durationMs: took(),
        });
        return { value, provider: name, attempts };
      } catch (raw) {
        const err = normalize(raw);
        attempts.push({
          provider: name,
          operation,
          idempotencyKey,
          outcome:
            err instanceof ProviderRejectedError
              ? 'rejected'
              : err.kind === 'outage'
                ? 'unavailable'
                : err.kind,
          error: err.message,
          durationMs: took(),
        });
        const retryable = err instanceof ProviderUnavailableError && err.kind === 'outage';
        if (!retryable || attempt >= this.opts.retries || breaker.opened)
          throw new GatewayError(err, attempts, name);
        const delay = this.opts.retryBaseMs * 2 ** attempt * (0.8 + Math.random() * 0.4);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  shutdown(): void {
    for (const b of this.breakers.values()) b.shutdown();
  }
}

function normalize(raw: unknown): ProviderUnavailableError | ProviderRejectedError {
  if (raw instanceof ProviderUnavailableError || raw instanceof ProviderRejectedError) return raw;
  const code = (raw as { code?: string } | null)?.code;
  if (code === 'EOPENBREAKER')
    return new ProviderUnavailableError('the provider circuit is open', true, 'circuit_open');
  if (code === 'ETIMEDOUT')
    return new ProviderUnavailableError('the provider did not answer in time', false, 'timeout');
  // A fault we did not classify: treat it as an outage whose effect is unknown.
  return new ProviderUnavailableError(raw instanceof Error ? raw.message : String(raw), false);
}
