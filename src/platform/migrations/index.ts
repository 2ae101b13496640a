import type { SchemaMigrations } from '../migrations.js';
import * as outbox from './20261122_0001_outbox.js';
import * as busAndJobs from './20261122_0002_bus_and_jobs.js';
import * as idempotency from './20261123_0003_idempotency.js';
import * as expect from './20261128_0004_expect.js';
import * as jobsDueOrder from './20261128_0005_jobs_due_order.js';
import * as traceContext from './20261130_0006_trace_context.js';

export const platformMigrations: SchemaMigrations = {
  schema: 'platform',
  migrations: {
    '20261122_0001_outbox': outbox,
    '20261122_0002_bus_and_jobs': busAndJobs,
    '20261123_0003_idempotency': idempotency,
    '20261128_0004_expect': expect,
    '20261128_0005_jobs_due_order': jobsDueOrder,
    '20261130_0006_trace_context': traceContext,
  },
};
