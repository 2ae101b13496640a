import type { SchemaMigrations } from '../migrations.js';
import * as outbox from './20261122_0001_outbox.js';

export const platformMigrations: SchemaMigrations = {
  schema: 'platform',
  migrations: { '20261122_0001_outbox': outbox },
};
