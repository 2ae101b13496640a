import type { SchemaMigrations } from '../../../platform/migrations.js';
import * as init from './20261123_0001_init.js';

export const ordersMigrations: SchemaMigrations = {
  schema: 'orders',
  migrations: { '20261123_0001_init': init },
};
