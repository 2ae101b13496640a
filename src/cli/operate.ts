import type { Config } from '../platform/config.js';
import { createRuntime } from '../platform/runtime.js';
import { migrate } from '../app.js';
import { ensureAdmin, createPasswordHasher, rotateSigningKey } from '../modules/identity/index.js';
import { ValidationError } from '../platform/errors.js';

export async function migrateCommand(config: Config): Promise<number> {
  const rt = await createRuntime(config);
  try {
    await migrate(rt);
    process.stdout.write('migrations applied\n');
    return 0;
  } finally {
    await rt.close();
  }
}

export async function adminCreateCommand(
  config: Config,
  input: { email: string; password: string; name?: string },
): Promise<number> {
  const rt = await createRuntime(config, {});
  try {
    await migrate(rt);
    const ctx = { db: rt.database.db, actor: null, requestId: 'cli', log: rt.log };
    const { user, created } = await ensureAdmin(ctx, { hasher: createPasswordHasher(rt) }, input);
    process.stdout.write(`${created ? 'created' : 'updated'} admin ${user.email} (${user.id})\n`);
    return 0;
  } catch (err) {
    if (err instanceof ValidationError) {
      process.stderr.write(`agora: ${err.message}\n`);
      return 2;
    }
    throw err;
  } finally {
    await rt.close();
  }
}

export async function keysRotateCommand(config: Config): Promise<number> {
  const rt = await createRuntime(config);
  try {
    await migrate(rt);
    const kid = await rotateSigningKey(rt.database.db);
    process.stdout.write(`new signing key ${kid} is active; running servers pick it up within a minute\n`);
    return 0;
  } finally {
    await rt.close();
  }
}
