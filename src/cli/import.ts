import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import type { Config } from '../platform/config.js';
import { createAgora } from '../app.js';
import { findAccountByEmail } from '../modules/identity/index.js';

/**
 * `agora import <file.csv> --seller <email>`: the CSV import of `POST /v1/catalog/imports`, run in
 * this process for the named seller (or admin) with a progress bar; the products' events leave
 * through the outbox when a server or worker relays them.
 */
export async function importCommand(
  config: Config,
  input: { file: string; seller: string },
): Promise<number> {
  try {
    await access(input.file);
  } catch {
    process.stderr.write(`agora: cannot read ${input.file}\n`);
    return 2;
  }
  const agora = await createAgora(config, { webRoot: undefined });
  try {
    const db = agora.rt.database.db;
    const account = await findAccountByEmail(db, input.seller);
    if (!account || account.role === 'buyer') {
      process.stderr.write(`agora: ${input.seller} is not a seller or admin account\n`);
      return 2;
    }
    const bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: 'import    {value} rows | {created} created | {failed} failed | {duration}s',
        noTTYOutput: true,
        notTTYSchedule: 5_000,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(0, 0, { created: 0, failed: 0 });
    const status = await agora.catalog.importCsv(
      {
        db,
        actor: { userId: account.id, role: account.role, sessionId: 'cli' },
        requestId: 'cli-import',
        log: agora.rt.log,
      },
      createReadStream(input.file),
      (p) => bar.update(p.rows, { created: p.created, failed: p.failed }),
    );
    bar.stop();
    process.stdout.write(
      `import ${status.id}: ${status.totalRows} rows, ${status.createdRows} created, ${status.failedRows} failed\n`,
    );
    for (const e of status.errors) process.stdout.write(`  line ${e.line} ${e.path}: ${e.message}\n`);
    return status.failedRows > 0 ? 1 : 0;
  } finally {
    await agora.close();
  }
}
