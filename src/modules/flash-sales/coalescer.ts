/**
 * Coalesces concurrent calls for one key into batches: while a batch for a key runs, new calls
 * for that key wait and go together in the next one (group commit), in arrival order, at most
 * `maxBatch` calls each. `run` answers each call of its batch, in order. A batch may call
 * `ordered()` once it has passed the point that orders batches (the flash batch: its statements
 * are sent, to queue for the item's row in the database); the next batch may then start, so at
 * most `maxRunning` run at once per key and each starts after the one before it is ordered. A
 * batch that never calls it runs alone.
 */
export interface CoalescerOptions {
  maxBatch: number;
  /** Extra time the first call of a batch waits for company; 0 = until the next turn of the event loop. */
  windowMs: number;
  /** Batches of one key that may run at once, each started once the one before is ordered (default 2). */
  maxRunning?: number;
}

interface Waiter<Req, Res> {
  req: Req;
  resolve(res: Res): void;
  reject(err: unknown): void;
}

interface Lane<Req, Res> {
  queue: Waiter<Req, Res>[];
  /** Batches running. */
  running: number;
  /** Whether the batch started last has called `ordered()`. */
  ordered: boolean;
  /** Counts the batches started, so a late `ordered()` of an older one changes nothing. */
  started: number;
  scheduled: boolean;
}

export class Coalescer<Req, Res> {
  private readonly lanes = new Map<string, Lane<Req, Res>>();
  /** Batches run and calls answered, for metrics and tests. */
  readonly stats = { batches: 0, calls: 0, largest: 0 };

  constructor(
    private readonly run: (key: string, batch: Req[], ordered: () => void) => Promise<Res[]>,
    private readonly opts: CoalescerOptions,
  ) {}

  submit(key: string, req: Req): Promise<Res> {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { queue: [], running: 0, ordered: false, started: 0, scheduled: false };
      this.lanes.set(key, lane);
    }
    const l = lane;
    const p = new Promise<Res>((resolve, reject) => l.queue.push({ req, resolve, reject }));
    this.schedule(key, l);
    return p;
  }

  /** Calls waiting or running, over every key. */
  get pending(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.queue.length;
    return n;
  }

  /** Whether a new batch may start: none runs, or the last started is ordered and there is room. */
  private free(lane: Lane<Req, Res>): boolean {
    return lane.running === 0 || (lane.ordered && lane.running < (this.opts.maxRunning ?? 2));
  }

  private schedule(key: string, lane: Lane<Req, Res>): void {
    if (!this.free(lane) || lane.scheduled) return;
    lane.scheduled = true;
    const go = () => {
      lane.scheduled = false;
      void this.flush(key, lane);
    };
    if (this.opts.windowMs > 0) setTimeout(go, this.opts.windowMs);
    else setImmediate(go);
  }

  private async flush(key: string, lane: Lane<Req, Res>): Promise<void> {
    if (!this.free(lane) || !lane.queue.length) return;
    lane.running++;
    lane.ordered = false;
    const id = ++lane.started;
    const batch = lane.queue.splice(0, this.opts.maxBatch);
    this.stats.batches++;
    this.stats.calls += batch.length;
    this.stats.largest = Math.max(this.stats.largest, batch.length);
    const ordered = () => {
      if (id !== lane.started || lane.ordered) return;
      lane.ordered = true;
      if (lane.queue.length) this.schedule(key, lane);
    };
    try {
      const answers = await this.run(
        key,
        batch.map((w) => w.req),
        ordered,
      );
      if (answers.length !== batch.length) throw new Error('a batch must answer every call');
      batch.forEach((w, i) => w.resolve(answers[i]));
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      lane.running--;
      if (lane.queue.length) setImmediate(() => void this.flush(key, lane));
      else if (lane.running === 0) this.lanes.delete(key);
    }
  }
}
