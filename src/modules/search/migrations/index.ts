import type { SchemaMigrations } from '../../../platform/migrations.js';
import * as documents from './20261122_0001_documents.js';

export const searchMigrations: SchemaMigrations = {
  schema: 'search',
  migrations: { '20261122_0001_documents': documents },
};
