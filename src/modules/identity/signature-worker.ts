import { verify as verifySignature, type KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { PerTurnBatcher } from '../../platform/per-turn-batcher.js';

/**
 * Checks token signatures on one worker thread, in batches: every signature asked for in one turn of
 * the event loop travels in one message, and the answers come back in one.
 *
 * Hand-written because node:crypto's callback form hands each signature to libuv's pool as a job of
 * its own, and on a loaded machine that hand-off costs the event loop more than the check itself
 * (a flash sale's first wave brings thousands of never-seen tokens a second). Here the loop pays one
 * message per batch; the thread checks them synchronously, which is what each pool job did too.
 *
 * The thread starts with the first check and stops after `idleMs` without one, so an idle process
 * carries no second V8 heap. If it cannot start or dies, the checks it held and every later one go
 * to node:crypto's callback form: a failure here never refuses a good token.
 */
const SOURCE = `
const { parentPort } = require('node:worker_threads');
const { verify } = require('node:crypto');
const keys = new Map();
parentPort.on('message', (m) => {
  for (const [id, key] of m.keys) keys.set(id, key);
  const out = new Uint8Array(m.tokens.length);
  for (let i = 0; i < m.tokens.length; i++) {
    const token = m.tokens[i];
    const cut = token.lastIndexOf('.');
    try {
      const ok = verify(m.digests[i], Buffer.from(token.slice(0, cut), 'ascii'), keys.get(m.keyIds[i]),
        Buffer.from(token.slice(cut + 1), 'base64url'));
      out[i] = ok ? 1 : 0;
    } catch {
      out[i] = 2;
    }
  }
  parentPort.postMessage({ id: m.id, out }, [out.buffer]);
});
`;

/** One signature to check: the compact token (its signing input and signature are cut from it). */
interface Check {
  token: string;
  digest: string | null;
  key: KeyObject;
  resolve: (ok: boolean) => void;
  reject: (err: Error) => void;
}

/** The check of a token's signature, the way node:crypto's callback form does it (libuv's pool). */
export function checkOnPool(token: string, digest: string | null, key: KeyObject): Promise<boolean> {
  const cut = token.lastIndexOf('.');
  return new Promise((resolve, reject) =>
    verifySignature(
      digest,
      Buffer.from(token.slice(0, cut), 'ascii'),
      key,
      Buffer.from(token.slice(cut + 1), 'base64url'),
      (err, ok) => (err ? reject(err) : resolve(ok)),
    ),
  );
}

export class SignatureWorker {
  private worker: Worker | null = null;
  /** Ids of the keys the current thread has been sent. */
  private keyIds = new Map<KeyObject, number>();
  private readonly queued = new PerTurnBatcher<Check>((_, batch) => this.flush(batch));
  private readonly inFlight = new Map<number, Check[]>();
  private nextBatch = 1;
  private idleTimer: NodeJS.Timeout | null = null;
  private broken = false;

  constructor(private readonly idleMs = 30_000) {}

  /** Whether the token's signature (RS256: `digest` sha256; EdDSA: null) verifies with `key`. */
  check(token: string, digest: string | null, key: KeyObject): Promise<boolean> {
    if (this.broken) return checkOnPool(token, digest, key);
    return new Promise((resolve, reject) => this.queued.add('', { token, digest, key, resolve, reject }));
  }

  /** Stops the thread; checks still held go to the pool. */
  async close(): Promise<void> {
    this.broken = true;
    const worker = this.worker;
    this.worker = null;
    this.rescue();
    await worker?.terminate();
  }

  private flush(batch: Check[]): void {
    const worker = this.broken ? null : this.start();
    if (!worker) {
      for (const c of batch) this.fallback(c);
      return;
    }
    const keys: [number, KeyObject][] = [];
    const keyIds = batch.map((c) => {
      let id = this.keyIds.get(c.key);
      if (id === undefined) {
        id = this.keyIds.size + 1;
        this.keyIds.set(c.key, id);
        keys.push([id, c.key]);
      }
      return id;
    });
    const id = this.nextBatch++;
    this.inFlight.set(id, batch);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    worker.postMessage({
      id,
      keys,
      keyIds,
      tokens: batch.map((c) => c.token),
      digests: batch.map((c) => c.digest),
    });
  }

  private start(): Worker | null {
    if (this.worker) return this.worker;
    let worker: Worker;
    try {
      worker = new Worker(SOURCE, { eval: true });
    } catch {
      this.broken = true;
      return null;
    }
    worker.unref(); // it never keeps the process alive
    worker.on('message', (m: { id: number; out: Uint8Array }) => this.answered(m.id, m.out));
    const lost = () => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.broken = true;
      this.rescue();
    };
    worker.on('error', lost);
    worker.on('exit', lost);
    this.worker = worker;
    this.keyIds = new Map();
    return worker;
  }

  private answered(id: number, out: Uint8Array): void {
    const batch = this.inFlight.get(id);
    if (!batch) return;
    this.inFlight.delete(id);
    batch.forEach((c, i) => (out[i] === 2 ? this.fallback(c) : c.resolve(out[i] === 1)));
    if (this.inFlight.size === 0 && !this.queued.pending && this.worker) {
      this.idleTimer = setTimeout(() => this.stopIdle(), this.idleMs);
      this.idleTimer.unref();
    }
  }

  private stopIdle(): void {
    this.idleTimer = null;
    if (this.inFlight.size || this.queued.pending || !this.worker) return;
    const worker = this.worker;
    this.worker = null; // its 'exit' is then not a loss
    void worker.terminate();
  }

  /** The checks a lost thread held go to the pool. */
  private rescue(): void {
    const held = [...this.inFlight.values()].flat();
    this.inFlight.clear();
    for (const c of held) this.fallback(c);
  }

  private fallback(c: Check): void {
    checkOnPool(c.token, c.digest, c.key).then(c.resolve, c.reject);
  }
}
