/**
 * Coalesces concurrent calls for one key into batches: while a batch for a key runs, new calls
 * for that key wait and go together in the next one (group commit). One batch per key at a time,
 * in arrival order, at most `maxBatch` calls each. `run` answers each call of its batch, in order.
 */
export interface CoalescerOptions {
  maxBatch: number;
  /** Extra time the first call of a batch waits for company; 0 = until the next turn of the event loop. */
  windowMs: number;
}

interface Waiter<Req, Res> {
  req: Req;
  resolve(res: Res): void;
  reject(err: unknown): void;
}

interface Lane<Req, Res> {
  queue: Waiter<Req, Res>[];
  busy: boolean;
  scheduled: boolean;
}

export class Coalescer<Req, Res> {
  private readonly lanes = new Map<string, Lane<Req, Res>>();
  /** Batches run and calls answered, for metrics and tests. */
  readonly stats = { batches: 0, calls: 0, largest: 0 };

  constructor(
    private readonly run: (key: string, batch: Req[]) => Promise<Res[]>,
    private readonly opts: CoalescerOptions,
  ) {}

  submit(key: string, req: Req): Promise<Res> {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { queue: [], busy: false, scheduled: false };
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

  private schedule(key: string, lane: Lane<Req, Res>): void {
    if (lane.busy || lane.scheduled) return;
    lane.scheduled = true;
    const go = () => {
      lane.scheduled = false;
      void this.flush(key, lane);
    };
    if (this.opts.windowMs > 0) setTimeout(go, this.opts.windowMs);
    else setImmediate(go);
  }

  private async flush(key: string, lane: Lane<Req, Res>): Promise<void> {
    if (lane.busy || !lane.queue.length) return;
    lane.busy = true;
    const batch = lane.queue.splice(0, this.opts.maxBatch);
    this.stats.batches++;
    this.stats.calls += batch.length;
    this.stats.largest = Math.max(this.stats.largest, batch.length);
    try {
      const answers = await this.run(
        key,
        batch.map((w) => w.req),
      );
      if (answers.length !== batch.length) throw new Error('a batch must answer every call');
      batch.forEach((w, i) => w.resolve(answers[i]));
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      lane.busy = false;
      if (lane.queue.length) setImmediate(() => void this.flush(key, lane));
      else this.lanes.delete(key);
    }
  }
}
