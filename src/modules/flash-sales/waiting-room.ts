import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { InvalidQueueTokenError, WaitingRoomFullError } from './errors.js';

/**
 * A fair waiting room in front of the reservation path. At most `maxInflight` reservations are
 * worked on at once in this process; a buyer who arrives when the path is full (or when others
 * are already waiting) gets a signed queue token with a place in line, polls with it, and is
 * admitted in arrival order as capacity frees up — never a pile of timeouts.
 *
 * A token is `<payload>.<HMAC-SHA256>` (base64url), payload `{s: saleId, u: userId, n: place,
 * e: room epoch, t: issued at}`: it cannot be forged or moved to another buyer or sale. Places
 * are counted per process (`e`); a token from another process or an earlier run is honoured as
 * a fresh arrival. A buyer holds at most one place per sale: arriving again without the token
 * (a retry, a second tab) gets the same place back, not another one further down the line.
 */
export interface WaitingRoomOptions {
  maxInflight: number;
  /** Places that can wait; past that an arrival is told to come back later (429 rate_limited). */
  maxQueue: number;
  /** How long an admitted place is kept for its buyer to come back. */
  admitWindowMs: number;
  secret: Buffer;
}

export type Entry =
  | { admitted: true; leave: () => void }
  | { admitted: false; token: string; position: number; pollAfter: number };

export interface Place {
  saleId: string;
  userId: string;
  seq: number;
  epoch: string;
}

export class WaitingRoom {
  private inflight = 0;
  private issued = 0;
  private admittedThrough = 0;
  /** Admitted places not yet used, by place, with the instant the admission lapses. */
  private readonly admitted = new Map<number, number>();
  /** Each buyer's place (waiting, or admitted and not yet used), by sale and buyer; and back. */
  private readonly places = new Map<string, { seq: number; token: string }>();
  private readonly holders = new Map<number, string>();
  private readonly epoch = randomBytes(4).toString('hex');
  /** Completions per second (moving average), to tell a waiting buyer when to come back. */
  private rate = 100;
  private windowStart = Date.now();
  private windowDone = 0;

  constructor(private readonly opts: WaitingRoomOptions) {}

  get stats() {
    return {
      inflight: this.inflight,
      waiting: this.issued - this.admittedThrough,
      admittedUnused: this.admitted.size,
    };
  }

  /**
   * Lets the buyer in (call `leave()` when done) or gives a place in line.
   * @throws InvalidQueueTokenError for a forged token or one of another buyer or sale
   * @throws WaitingRoomFullError when the line is full
   */
  enter(saleId: string, userId: string, token?: string): Entry {
    this.pump();
    const buyer = `${saleId}\n${userId}`;
    // the place the token names, then the one the buyer holds (a retry without the token)
    const candidates: { seq: number; token: string }[] = [];
    if (token) {
      const place = this.verify(token, saleId, userId);
      if (place.epoch === this.epoch) candidates.push({ seq: place.seq, token });
    }
    const held = this.places.get(buyer);
    if (held && held.seq !== candidates[0]?.seq) candidates.push(held);
    for (const { seq, token: placeToken } of candidates) {
      if (seq > this.admittedThrough) return this.waiting(seq, placeToken);
      const admitted = this.admitted.delete(seq);
      this.release(seq);
      if (admitted) return this.admit();
      // used already, or its admission lapsed: it goes in as a new arrival would
    }
    if (this.issued === this.admittedThrough && this.inflight + this.admitted.size < this.opts.maxInflight)
      return this.admit();
    if (this.issued - this.admittedThrough >= this.opts.maxQueue)
      throw new WaitingRoomFullError(Math.max(1, Math.ceil(this.opts.maxQueue / this.rate)));
    const place = ++this.issued;
    const issued = this.sign({ saleId, userId, seq: place, epoch: this.epoch });
    this.places.set(buyer, { seq: place, token: issued });
    this.holders.set(place, buyer);
    return this.waiting(place, issued);
  }

  /** Forgets whose a place was: it was used, or its admission lapsed. */
  private release(seq: number): void {
    const buyer = this.holders.get(seq);
    if (buyer === undefined) return;
    this.holders.delete(seq);
    if (this.places.get(buyer)?.seq === seq) this.places.delete(buyer);
  }

  /** Where a token stands now. @throws InvalidQueueTokenError */
  status(
    saleId: string,
    userId: string,
    token: string,
  ): { admitted: boolean; position: number; pollAfter: number; admittedUntil: Date | null } {
    this.pump();
    const place = this.verify(token, saleId, userId);
    if (place.epoch !== this.epoch) return { admitted: true, position: 0, pollAfter: 0, admittedUntil: null };
    if (place.seq <= this.admittedThrough) {
      const until = this.admitted.get(place.seq);
      return { admitted: true, position: 0, pollAfter: 0, admittedUntil: until ? new Date(until) : null };
    }
    const position = place.seq - this.admittedThrough;
    return { admitted: false, position, pollAfter: this.pollAfter(position), admittedUntil: null };
  }

  private admit(): Entry {
    this.inflight++;
    let left = false;
    return {
      admitted: true,
      leave: () => {
        if (left) return;
        left = true;
        this.inflight--;
        this.done();
        this.pump();
      },
    };
  }

  private waiting(seq: number, token: string): Entry {
    const position = seq - this.admittedThrough;
    return { admitted: false, token, position, pollAfter: this.pollAfter(position) };
  }

  /** Admits waiting places, in order, while the path has room. */
  private pump(): void {
    const now = Date.now();
    for (const [seq, until] of this.admitted)
      if (until <= now) {
        this.admitted.delete(seq);
        this.release(seq);
      }
    while (this.admittedThrough < this.issued && this.inflight + this.admitted.size < this.opts.maxInflight) {
      this.admittedThrough++;
      this.admitted.set(this.admittedThrough, now + this.opts.admitWindowMs);
    }
  }

  private done(): void {
    this.windowDone++;
    const elapsed = Date.now() - this.windowStart;
    if (elapsed >= 1_000) {
      this.rate = Math.max(1, 0.5 * this.rate + 0.5 * ((this.windowDone * 1_000) / elapsed));
      this.windowStart = Date.now();
      this.windowDone = 0;
    }
  }

  /** Seconds until the place is likely admitted: position over the recent rate, within [0.25, 30]. */
  private pollAfter(position: number): number {
    const s = position / this.rate;
    return Math.round(Math.min(30, Math.max(0.25, s)) * 100) / 100;
  }

  sign(place: Place): string {
    const payload = Buffer.from(
      JSON.stringify({ s: place.saleId, u: place.userId, n: place.seq, e: place.epoch, t: Date.now() }),
    ).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.opts.secret).update(payload).digest('base64url');
  }

  private verify(token: string, saleId: string, userId: string): Place {
    const [payload, mac] = token.split('.');
    if (!payload || !mac) throw new InvalidQueueTokenError();
    const expected = Buffer.from(this.mac(payload));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new InvalidQueueTokenError();
    let body: { s?: unknown; u?: unknown; n?: unknown; e?: unknown };
    try {
      body = JSON.parse(Buffer.from(payload, 'base64url').toString()) as typeof body;
    } catch {
      throw new InvalidQueueTokenError();
    }
    if (body.s !== saleId || body.u !== userId || typeof body.n !== 'number' || typeof body.e !== 'string')
      throw new InvalidQueueTokenError();
    return { saleId, userId, seq: body.n, epoch: body.e };
  }
}
