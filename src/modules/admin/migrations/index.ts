import type { SchemaMigrations } from '../../../platform/migrations.js';
import * as flags from './20261128_0001_feature_flags.js';
import * as sales from './20261128_0002_sales_analytics.js';

export const adminMigrations: SchemaMigrations = {
  schema: 'admin',
  migrations: { '20261128_0001_feature_flags': flags, '20261128_0002_sales_analytics': sales },
};
