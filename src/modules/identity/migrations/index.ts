import type { SchemaMigrations } from '../../../platform/migrations.js';
import * as init from './20261122_0001_init.js';
import * as passwordResets from './20261122_0002_password_resets.js';

export const identityMigrations: SchemaMigrations = {
  schema: 'identity',
  migrations: { '20261122_0001_init': init, '20261122_0002_password_resets': passwordResets },
};
