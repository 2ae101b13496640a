import { PRODUCT_EVENT_TYPES } from './indexer.js';

/** The event types the indexer consumes, for tests that deliver outbox events by hand. */
export const PRODUCT_TYPES: string[] = [...PRODUCT_EVENT_TYPES];
