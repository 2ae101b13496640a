import type { SchemaMigrations } from '../../../platform/migrations.js';
import * as init from './20261123_0001_init.js';
import * as historySeller from './20261129_0002_history_seller.js';

export const ordersMigrations: SchemaMigrations = {
  schema: 'orders',
  migrations: { '20261123_0001_init': init, '20261129_0002_history_seller': historySeller },
};
