import type { SchemaMigrations } from '../../../platform/migrations.js';
import * as init from './20261122_0001_init.js';

export const catalogMigrations: SchemaMigrations = {
  schema: 'catalog',
  migrations: { '20261122_0001_init': init },
};
