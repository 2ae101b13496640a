import type { Transaction } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { CloudEvent } from './outbox.js';

/**
 * The contract between modules that publish events (through `publishEvents` in their business
 * transaction) and modules that consume them.
 *
 * A handler runs inside a transaction that also records the event id in the consumer's inbox, so
 * its effect is applied once however often the event is delivered (unless it `dedupesItself`). It throws to ask for a retry;
 * after `maxAttempts` the event goes to the dead-letter store.
 */
export interface EventContext {
  trx: Transaction<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  log: FastifyBaseLogger;
  /** 1 on first delivery. */
  attempt: number;
}

export type EventHandler = (event: CloudEvent, ctx: EventContext) => Promise<void>;

export interface Subscription {
  /** Durable consumer name, e.g. `search.indexer`: its queue, its inbox key. */
  consumer: string;
  /** Event types it handles, e.g. `['product.created', 'product.updated']`. */
  types: string[];
  handle: EventHandler;
  /**
   * Optional: the same effect as `handle` on each event in turn, for events delivered together
   * (first deliveries of one batch, in one transaction), with less work per event (one lookup for
   * the batch). A throw rolls the batch back and each event is then delivered alone by `handle`.
   */
  handleBatch?: (events: CloudEvent[], ctx: EventContext) => Promise<void>;
  /**
   * Optional: the handler's effects are keyed by the event id under a unique constraint of the
   * consumer's own (a webhook delivery per endpoint and event), so an event applied twice changes
   * nothing the second time. Its deliveries then write no inbox row (a row write fewer per event).
   */
  dedupesItself?: boolean;
  /** Attempts before dead-lettering (default 5). */
  maxAttempts?: number;
  /**
   * Non-critical work (search indexing, analytics, recommendations): while the degraded mode is active, events are
   * postponed (recorded with a job that runs them later) instead of handled. Nothing is lost.
   */
  deferWhileDegraded?: boolean;
  /**
   * Optional: runs once the transaction that applied these events committed, with the events it
   * applied or postponed (not redeliveries, not failures), for effects outside the database that must not be
   * seen before the commit: dropping cached answers (done in the handler, a read between it and
   * the commit would cache the old state again). A failure is logged, not retried.
   */
  afterCommit?: (events: CloudEvent[]) => Promise<void>;
}

export interface EventBus {
  subscribe(subscription: Subscription): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}
