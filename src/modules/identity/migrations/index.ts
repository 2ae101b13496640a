import type { SchemaMigrations } from '../../../platform/migrations.js';
import * as init from './20261122_0001_init.js';
import * as passwordResets from './20261122_0002_password_resets.js';
import * as sessionAccessRevoked from './20261202_0001_session_access_revoked.js';
import * as loginFailures from './20261203_0001_login_failures.js';

export const identityMigrations: SchemaMigrations = {
  schema: 'identity',
  migrations: {
    '20261122_0001_init': init,
    '20261122_0002_password_resets': passwordResets,
    '20261202_0001_session_access_revoked': sessionAccessRevoked,
    '20261203_0001_login_failures': loginFailures,
  },
};
