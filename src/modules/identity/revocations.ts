import type { AnyDb, Database } from '../../platform/db.js';
import type { Logger } from '../../platform/logger.js';
import { findAccessRevokedSessions } from './repository.js';

/** PostgreSQL NOTIFY channel a revocation is announced on (at commit) to every process. */
export const REVOCATIONS_CHANNEL = 'agora_session_revocations';
/** The safety net: every process reloads the revoked sessions this often (ms), NOTIFY or not. */
export const REVOCATIONS_RELOAD_MS = 5_000;
/** An entry outlives the tokens it refuses by this much (s): the clocks of processes may differ. */
const MARGIN_S = 60;

/**
 * The sessions whose access tokens are refused, in memory: those whose access tokens were revoked
 * (`identity.sessions.access_revoked_at`: an admin disabled the account or changed its role) within
 * an access token's lifetime; older ones' tokens have all expired. (A logout or a password change
 * ends a session's refresh tokens only.) `has` is what the token check asks, on every request: a lookup, no I/O. The process that revokes
 * adds the sessions at once; every process reloads them when a revocation is announced (NOTIFY
 * from the revoking transaction, delivered at commit), every REVOCATIONS_RELOAD_MS, and at start,
 * so a restarted process keeps refusing the tokens of a disabled account until they expire.
 * Reloads merge: an entry only goes when its tokens have expired.
 */
export class RevokedSessions {
  /** Session id → when its entry may go (ms): its revocation, plus a token's lifetime and MARGIN_S. */
  private readonly sessions = new Map<string, number>();
  private reloading: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly db: AnyDb,
    private readonly accessTtlSeconds: number,
  ) {}

  /** Whether the session's access tokens are refused. */
  has(sessionId: string): boolean {
    return this.sessions.size !== 0 && this.sessions.has(sessionId);
  }

  /** Refuses the sessions' access tokens from now on, in this process. */
  add(sessionIds: readonly string[], revokedAt = Date.now()): void {
    const keepUntil = revokedAt + this.horizonSeconds * 1000;
    for (const id of sessionIds)
      if ((this.sessions.get(id) ?? 0) < keepUntil) this.sessions.set(id, keepUntil);
  }

  /**
   * How far back (s) a revocation may matter: a token's lifetime and a margin. A session revoked
   * longer ago has no live access token.
   */
  get horizonSeconds(): number {
    return this.accessTtlSeconds + MARGIN_S;
  }

  /** How many sessions are refused (tests, diagnostics). */
  get size(): number {
    return this.sessions.size;
  }

  /**
   * Takes the sessions revoked within a token's lifetime into the set and forgets those whose
   * tokens have all expired. Calls made while a reload runs are folded into one more after it.
   */
  reload(): Promise<void> {
    if (this.reloading) {
      this.again = true;
      return this.reloading;
    }
    const run = async () => {
      try {
        do {
          this.again = false;
          const rows = await findAccessRevokedSessions(this.db, this.horizonSeconds);
          for (const row of rows) this.add([row.id], row.access_revoked_at?.getTime());
          const now = Date.now();
          for (const [id, keepUntil] of this.sessions) if (keepUntil < now) this.sessions.delete(id);
        } while (this.again);
      } finally {
        this.reloading = null;
      }
    };
    this.reloading = run();
    return this.reloading;
  }

  /**
   * Follows the revocations other processes make: LISTEN on REVOCATIONS_CHANNEL, a reload every
   * `reloadMs`, and one now (what was revoked since the set was first loaded). Resolves to a
   * function that stops following.
   */
  async follow(
    database: Database,
    log: Logger,
    reloadMs = REVOCATIONS_RELOAD_MS,
  ): Promise<() => Promise<void>> {
    const reloadInBackground = () => {
      this.reload().catch((err: unknown) =>
        log.warn(
          { err: (err as Error).message },
          'revoked sessions could not be reloaded; keeping the last copy',
        ),
      );
    };
    const unlisten = await database.listen(REVOCATIONS_CHANNEL, reloadInBackground);
    const timer = setInterval(reloadInBackground, reloadMs);
    timer.unref();
    reloadInBackground();
    return async () => {
      clearInterval(timer);
      await unlisten();
      await this.reloading?.catch(() => undefined);
    };
  }
}
