import type { AnyDb, Database } from '../../platform/db.js';
import type { Logger } from '../../platform/logger.js';
import * as repo from './flags-repository.js';
import type { FlagRecord } from './flags-repository.js';

export type { FlagRecord };

/** PostgreSQL NOTIFY channel a flag change is announced on (at commit) to every process. */
export const FLAGS_CHANNEL = 'agora_feature_flags';

/**
 * This process's copy of `admin.feature_flags`, read synchronously on hot paths. It is reloaded
 * when a change is announced (NOTIFY from the changing transaction, delivered at commit to every
 * listening process; the `feature_flag.changed` event), and every `refreshMs` as a safety net
 * for a lost notification. A change made here is applied at once. Reloads merge by version, so a
 * reload that started before a change committed cannot put the old value back.
 */
export class FlagStore {
  private readonly flags = new Map<string, FlagRecord>();
  private readonly listeners = new Set<(changed: string[]) => void>();
  private refreshing: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private unlisten: (() => Promise<void>) | null = null;

  constructor(
    private readonly database: Database,
    private readonly log: Logger,
    private readonly refreshMs: number,
  ) {}

  private get db(): AnyDb {
    return this.database.db;
  }

  isEnabled(key: string, fallback: boolean): boolean {
    return this.flags.get(key)?.enabled ?? fallback;
  }

  get(key: string): FlagRecord | undefined {
    return this.flags.get(key);
  }

  /** Every flag, by key. */
  all(): FlagRecord[] {
    return [...this.flags.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Called with the keys whose value or description changed in this process's copy. */
  onChange(listener: (changed: string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Takes newer versions of `records` into the copy. */
  merge(records: FlagRecord[]): void {
    const changed: string[] = [];
    for (const r of records) {
      const known = this.flags.get(r.key);
      if (known && known.version >= r.version) continue;
      this.flags.set(r.key, r);
      if (!known || known.enabled !== r.enabled || known.description !== r.description) changed.push(r.key);
    }
    if (changed.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(changed);
      } catch (err) {
        this.log.error({ err }, 'feature flag listener failed');
      }
    }
  }

  /** Reloads every flag. Calls made while a reload runs are folded into one more reload after it. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    const run = async () => {
      try {
        do {
          this.again = false;
          this.merge(await repo.loadFlags(this.db));
        } while (this.again);
      } finally {
        this.refreshing = null;
      }
    };
    this.refreshing = run();
    return this.refreshing;
  }

  /** Loads the flags (failing if the database cannot be read), then follows changes. */
  async start(): Promise<void> {
    await this.refresh();
    this.unlisten = await this.database.listen(FLAGS_CHANNEL, () => this.refreshInBackground());
    this.timer = setInterval(() => this.refreshInBackground(), this.refreshMs);
    this.timer.unref();
  }

  refreshInBackground(): void {
    this.refresh().catch((err: unknown) =>
      this.log.warn(
        { err: (err as Error).message },
        'feature flags could not be reloaded; keeping the last copy',
      ),
    );
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.unlisten?.();
    this.unlisten = null;
    await this.refreshing?.catch(() => undefined);
  }
}
