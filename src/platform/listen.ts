import pg from 'pg';
import type { Logger } from './logger.js';

/**
 * LISTEN on a dedicated PostgreSQL connection (a pooled one would be handed to other queries).
 * `onNotify` gets each notification's payload. The connection is re-opened with backoff when it
 * drops; `onNotify` then fires once without a payload, because whatever was notified while it was
 * down is lost and the listener's owner must look for itself.
 */
export async function listenPostgres(
  url: string,
  channel: string,
  onNotify: (payload?: string) => void,
  log?: Logger,
): Promise<() => Promise<void>> {
  let client: pg.Client | null = null;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;

  const open = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000, keepAlive: true });
    c.on('notification', (msg) => {
      if (msg.channel === channel) onNotify(msg.payload);
    });
    c.on('error', (err) => {
      log?.warn({ err: err.message, channel }, 'listener connection failed');
      void c.end().catch(() => undefined);
      if (client === c) reconnect();
    });
    await c.connect();
    await c.query(`listen ${pg.escapeIdentifier(channel)}`);
    client = c;
    failures = 0;
  };

  const reconnect = () => {
    client = null;
    if (stopped) return;
    const delay = Math.min(30_000, 250 * 2 ** failures++);
    retryTimer = setTimeout(() => {
      open().then(
        () => onNotify(),
        (err: unknown) => {
          log?.warn({ err: (err as Error).message, channel }, 'listener reconnect failed');
          reconnect();
        },
      );
    }, delay);
    retryTimer.unref();
  };

  await open();
  return async () => {
    stopped = true;
    clearTimeout(retryTimer);
    const c = client;
    client = null;
    await c?.end().catch(() => undefined);
  };
}
