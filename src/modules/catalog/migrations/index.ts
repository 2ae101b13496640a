import type { SchemaMigrations } from '../../../platform/migrations.js';
import * as init from './20261122_0001_init.js';
import * as imports from './20261122_0002_imports.js';

export const catalogMigrations: SchemaMigrations = {
  schema: 'catalog',
  migrations: { '20261122_0001_init': init, '20261122_0002_imports': imports },
};
