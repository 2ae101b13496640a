import type { SchemaMigrations } from '../../../platform/migrations.js';
import * as orderProducts from './20261203_0001_order_products.js';

export const recommendationsMigrations: SchemaMigrations = {
  schema: 'recommendations',
  migrations: { '20261203_0001_order_products': orderProducts },
};
