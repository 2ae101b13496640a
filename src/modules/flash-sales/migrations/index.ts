import type { SchemaMigrations } from '../../../platform/migrations.js';
import * as init from './20261123_0001_init.js';
import * as dropHoldsUserIdx from './20261129_0002_drop_holds_user_idx.js';

export const flashSalesMigrations: SchemaMigrations = {
  schema: 'flash_sales',
  migrations: { '20261123_0001_init': init, '20261129_0002_drop_holds_user_idx': dropHoldsUserIdx },
};
