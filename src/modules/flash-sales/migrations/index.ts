import type { SchemaMigrations } from '../../../platform/migrations.js';
import * as init from './20261123_0001_init.js';

export const flashSalesMigrations: SchemaMigrations = {
  schema: 'flash_sales',
  migrations: { '20261123_0001_init': init },
};
