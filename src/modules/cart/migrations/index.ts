import type { SchemaMigrations } from '../../../platform/migrations.js';
import * as init from './20261128_0001_init.js';

export const cartMigrations: SchemaMigrations = {
  schema: 'cart',
  migrations: { '20261128_0001_init': init },
};
