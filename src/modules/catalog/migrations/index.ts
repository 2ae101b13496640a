import type { SchemaMigrations } from '../../../platform/migrations.js';
import * as init from './20261122_0001_init.js';
import * as imports from './20261122_0002_imports.js';
import * as importJobs from './20261128_0003_import_jobs.js';

export const catalogMigrations: SchemaMigrations = {
  schema: 'catalog',
  migrations: {
    '20261122_0001_init': init,
    '20261122_0002_imports': imports,
    '20261128_0003_import_jobs': importJobs,
  },
};
