import type { Generated } from 'kysely';

/** The platform schema's delivery tables (see migrations/20261122_0002_bus_and_jobs.ts). */
export interface BusTables {
  'platform.outbox': {
    id: Generated<number>;
    event_id: string;
    type: string;
    source: string;
    subject: string | null;
    data: unknown;
    correlation_id: string | null;
    traceparent: string | null;
    created_at: Generated<Date>;
    sent_at: Date | null;
  };
  'platform.inbox': {
    consumer: string;
    event_id: string;
    processed_at: Generated<Date>;
  };
  'platform.dead_letters': {
    id: Generated<number>;
    consumer: string;
    event_id: string | null;
    event: string;
    error: string;
    attempts: number;
    created_at: Generated<Date>;
    replayed_at: Date | null;
  };
  'platform.jobs': {
    id: Generated<number>;
    name: string;
    key: string | null;
    payload: string;
    status: Generated<'pending' | 'done' | 'failed'>;
    run_at: Date;
    attempts: Generated<number>;
    max_attempts: number;
    locked_until: Date | null;
    locked_by: string | null;
    last_error: string | null;
    traceparent: string | null;
    created_at: Generated<Date>;
    finished_at: Date | null;
  };
}
