import type { Config } from '../platform/config.js';
import { createRuntime } from '../platform/runtime.js';
import { migrate } from '../app.js';
import { listDeadLetters, replayDeadLetters } from '../platform/events/delivery.js';

/** `agora events dlq list`: events that exhausted their attempts, oldest first. */
export async function dlqListCommand(config: Config): Promise<number> {
  const rt = await createRuntime(config);
  try {
    await migrate(rt);
    const letters = await listDeadLetters(rt.database.db, 1_000);
    if (letters.length === 0) {
      process.stdout.write('no dead letters\n');
      return 0;
    }
    for (const d of letters) {
      process.stdout.write(
        `${d.id}\t${d.createdAt.toISOString()}\t${d.consumer}\t${d.type ?? '(unreadable)'}\t${d.eventId ?? '-'}\tattempts=${d.attempts}\t${d.error.replace(/\s+/g, ' ').slice(0, 200)}\n`,
      );
    }
    return 0;
  } finally {
    await rt.close();
  }
}

/**
 * `agora events dlq replay --id X | --all`: hands dead letters back to their consumer through the
 * job table; a running worker (or `agora start`) delivers them.
 */
export async function dlqReplayCommand(
  config: Config,
  which: { id?: number; all?: boolean },
): Promise<number> {
  const rt = await createRuntime(config);
  try {
    await migrate(rt);
    const ids = await replayDeadLetters(rt.database.db, which);
    if (ids.length === 0) {
      process.stderr.write(
        which.all ? 'no replayable dead letters\n' : `no replayable dead letter with id ${which.id}\n`,
      );
      return which.all ? 0 : 1;
    }
    process.stdout.write(`replaying ${ids.length} dead letter(s): ${ids.join(', ')}\n`);
    return 0;
  } finally {
    await rt.close();
  }
}
