import type { SchemaMigrations } from '../../../platform/migrations.js';
import * as init from './20261122_0001_init.js';

export const notificationsMigrations: SchemaMigrations = {
  schema: 'notifications',
  migrations: { '20261122_0001_init': init },
};
