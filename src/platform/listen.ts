import pg from 'pg';
import type { Logger } from './logger.js';

type OnNotify = (payload?: string) => void;

/** The `application_name` of a process's listening connection (to find it in pg_stat_activity). */
export const LISTENER_APPLICATION = 'agora listener';

/**
 * A process's LISTENs on PostgreSQL, every channel on one dedicated connection (a pooled one would
 * be handed to other queries; one per channel made five per process). Each callback gets its
 * channel's notifications' payloads. The connection is opened with the first channel, re-opened
 * with backoff when it drops (every channel listened to again, and every callback then called
 * once without a payload: what was notified meanwhile is lost, and the owner must look for itself),
 * and closed with the last channel's end.
 */
export class PostgresListener {
  private client: pg.Client | null = null;
  /** Channels LISTENed to on `client`. */
  private listening = new Set<string>();
  private opening: Promise<pg.Client> | null = null;
  private readonly channels = new Map<string, Set<OnNotify>>();
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;

  constructor(
    private readonly url: string,
    private readonly log?: Logger,
  ) {}

  /** Calls `onNotify` for each NOTIFY on `channel`; resolves to a function that stops it. */
  async listen(channel: string, onNotify: OnNotify): Promise<() => Promise<void>> {
    let callbacks = this.channels.get(channel);
    if (!callbacks) this.channels.set(channel, (callbacks = new Set()));
    callbacks.add(onNotify);
    try {
      const client = this.client ?? (await this.connect());
      if (!this.listening.has(channel)) {
        this.listening.add(channel);
        await client.query(`listen ${pg.escapeIdentifier(channel)}`);
      }
    } catch (err) {
      callbacks.delete(onNotify);
      if (!callbacks.size) this.channels.delete(channel);
      throw err;
    }
    return async () => {
      callbacks.delete(onNotify);
      if (callbacks.size || this.channels.get(channel) !== callbacks) return;
      this.channels.delete(channel);
      if (!this.channels.size) return this.close();
      this.listening.delete(channel);
      await this.client?.query(`unlisten ${pg.escapeIdentifier(channel)}`).catch(() => undefined);
    };
  }

  /** Closes the connection; no callback is called afterwards. */
  async close(): Promise<void> {
    this.channels.clear();
    clearTimeout(this.retryTimer);
    const c = this.client;
    this.client = null;
    this.listening = new Set();
    await c?.end().catch(() => undefined);
  }

  private connect(): Promise<pg.Client> {
    this.opening ??= this.open().finally(() => (this.opening = null));
    return this.opening;
  }

  private async open(): Promise<pg.Client> {
    const c = new pg.Client({
      connectionString: this.url,
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
      application_name: LISTENER_APPLICATION,
    });
    c.on('notification', (msg) => {
      for (const onNotify of this.channels.get(msg.channel) ?? []) onNotify(msg.payload);
    });
    c.on('error', (err) => {
      this.log?.warn({ err: err.message }, 'listener connection failed');
      void c.end().catch(() => undefined);
      if (this.client === c) this.reconnect();
    });
    await c.connect();
    const listening = new Set(this.channels.keys());
    for (const channel of listening) await c.query(`listen ${pg.escapeIdentifier(channel)}`);
    this.client = c;
    this.listening = listening;
    this.failures = 0;
    return c;
  }

  private reconnect(): void {
    this.client = null;
    this.listening = new Set();
    if (!this.channels.size) return;
    const delay = Math.min(30_000, 250 * 2 ** this.failures++);
    this.retryTimer = setTimeout(() => {
      this.connect().then(
        () => {
          for (const callbacks of this.channels.values()) for (const onNotify of callbacks) onNotify();
        },
        (err: unknown) => {
          this.log?.warn({ err: (err as Error).message }, 'listener reconnect failed');
          this.reconnect();
        },
      );
    }, delay);
    this.retryTimer.unref();
  }
}
