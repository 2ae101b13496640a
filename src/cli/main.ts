#!/usr/bin/env node
/**
 * `agora <command>`: the one entry point for running and operating Agora.
 * Every command reads the same environment as the server, so it works on the same data.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../platform/config.js';
import { DataDirBusyError } from '../platform/data-dir-lock.js';
import { startCommand } from './start.js';
import { adminCreateCommand, keysRotateCommand, migrateCommand } from './operate.js';
import { workerCommand } from './worker.js';
import { dlqListCommand, dlqReplayCommand } from './events.js';
import { searchReindexCommand, seedCommand } from './seed.js';
import { inventoryVerifyCommand } from './inventory.js';
import { importCommand } from './import.js';

const HELP = `Usage: agora <command> [options]

Commands:
  start                         serve the API (all modules in one process), with consumers and jobs
  worker                        run event consumers, the outbox relay and jobs, without HTTP
  migrate                       apply pending database migrations and exit
  admin create --email E --password P [--name N]
                                create an admin account (or promote and re-key an existing one)
  keys rotate                   make a new access-token signing key active; old tokens stay valid
  events dlq list               events that exhausted their delivery attempts
  events dlq replay --id X | --all
                                deliver dead letters to their consumer again (a worker runs them)
  seed [--products N] [--seed S]
                                add a generated demo catalog (default 1,000 products) and index it
  search reindex                rebuild the search index from the catalog
  inventory verify              rebuild stock levels from the movement ledger and compare; exit 1 on any mismatch
  import <file.csv> --seller E  import products from a CSV (the columns of GET /v1/catalog/export)
                                as the seller (or admin) with email E; exit 1 when rows failed

Configuration comes from the environment (and .env); see .env.example.
`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      id: { type: 'string' },
      all: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      products: { type: 'string' },
      seed: { type: 'string' },
      seller: { type: 'string' },
    },
  });
  const [command, sub, action] = positionals;
  if (values.help || !command) {
    process.stdout.write(HELP);
    return command || values.help ? 0 : 1;
  }
  const config = loadConfig();
  if (command === 'import') {
    if (!sub || action || !values.seller) throw new UsageError('import needs one file and --seller <email>');
    return importCommand(config, { file: sub, seller: values.seller });
  }
  switch ([command, sub, action].filter(Boolean).join(' ')) {
    case 'start':
      return startCommand(config);
    case 'worker':
      return workerCommand(config);
    case 'events dlq list':
      return dlqListCommand(config);
    case 'events dlq replay': {
      const id = values.id === undefined ? undefined : Number(values.id);
      if (Boolean(values.all) === (id !== undefined) || (id !== undefined && !Number.isSafeInteger(id)))
        throw new UsageError('events dlq replay needs either --id <number> or --all');
      return dlqReplayCommand(config, { id, all: values.all });
    }
    case 'migrate':
      return migrateCommand(config);
    case 'admin create':
      if (!values.email || !values.password)
        throw new UsageError('admin create needs --email and --password');
      return adminCreateCommand(config, {
        email: values.email,
        password: values.password,
        name: values.name,
      });
    case 'keys rotate':
      return keysRotateCommand(config);
    case 'seed':
      return seedCommand(config, {
        products: positiveInt(values.products ?? '1000', '--products'),
        seed: positiveInt(values.seed ?? '1', '--seed'),
      });
    case 'search reindex':
      return searchReindexCommand(config);
    case 'inventory verify':
      return inventoryVerifyCommand(config);
    default:
      throw new UsageError(`unknown command "${positionals.join(' ')}"`);
  }
}

class UsageError extends Error {}

function positiveInt(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer`);
  return n;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== -1) process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`agora: ${(err as Error).message}\n\n${HELP}`);
      process.exitCode = 2;
    } else if (err instanceof DataDirBusyError) {
      process.stderr.write(`agora: ${err.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`agora: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
