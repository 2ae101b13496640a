/**
 * Gathers calls made in one turn of the event loop, per key, and hands each key's batch over when
 * the turn ends (`setImmediate`): under load, every request parsed in one turn shares one round
 * trip or one message. Batches larger than `maxBatch` are cut into several.
 */
export class PerTurnBatcher<T> {
  private queued = new Map<string, T[]>();
  private scheduled = false;

  constructor(
    private readonly send: (key: string, batch: T[]) => void,
    private readonly maxBatch = Infinity,
  ) {}

  /** Items added and not yet handed over. */
  get pending(): number {
    let n = 0;
    for (const items of this.queued.values()) n += items.length;
    return n;
  }

  add(key: string, item: T): void {
    const list = this.queued.get(key);
    if (list) list.push(item);
    else this.queued.set(key, [item]);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const all = this.queued;
      this.queued = new Map();
      for (const [k, items] of all)
        for (let i = 0; i < items.length; i += this.maxBatch) this.send(k, items.slice(i, i + this.maxBatch));
    });
  }
}
