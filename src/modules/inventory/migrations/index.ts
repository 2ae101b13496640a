import type { SchemaMigrations } from '../../../platform/migrations.js';
import * as init from './20261201_0001_init.js';

export const inventoryMigrations: SchemaMigrations = {
  schema: 'inventory',
  migrations: { '20261201_0001_init': init },
};
