/**
 * A lean HTTP/1.1 keep-alive client for the load generators in `bench/`.
 *
 * Why hand-written: on this two-core machine the load generator shares the cores with the server it
 * measures, so its CPU per request is part of the measurement. undici's `dispatch` with a bare handler
 * costs the flash-sale simulator ~60 µs per request (request validation, wasm parser callbacks, GC);
 * autocannon's http-parser-js ~40 µs. The baseline next to it, bare Fastify under autocannon, pays
 * ~19 µs. Agora's answers are all framed by `content-length`, so framing one is a search for the
 * blank line and a byte count: this client writes each request as one prebuilt string and reads only
 * the status, `content-length`, `retry-after` and `connection` of the answer. It refuses anything
 * else (chunked bodies, 1xx) with an error rather than guess.
 */
import net from 'node:net';

export interface RawAnswer {
  status: number;
  /** The body as text ('' when empty). */
  text: string;
  /** `retry-after` in seconds, 0 when absent. */
  retryAfter: number;
}

interface Pending {
  head: string;
  body: string | undefined;
  resolve(a: RawAnswer): void;
  reject(e: Error): void;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');

/** One keep-alive connection: one request in flight at a time. */
class Connection {
  private readonly socket: net.Socket;
  private buffered: Buffer | null = null;
  private current: Pending | null = null;
  /** Set once the head of the current answer is read. */
  private status = 0;
  private length = -1;
  private retryAfter = 0;
  private closeAfter = false;
  private bodyStart = 0;
  closed = false;

  constructor(
    port: number,
    host: string,
    private readonly onIdle: (c: Connection) => void,
    private readonly onGone: (c: Connection) => void,
  ) {
    this.socket = net.connect({ port, host, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    this.socket.on('error', (err) => this.fail(err));
    this.socket.on('close', () => this.fail(new Error('connection closed by the server')));
  }

  send(p: Pending): void {
    this.current = p;
    this.status = 0;
    this.length = -1;
    this.retryAfter = 0;
    this.closeAfter = false;
    this.socket.write(p.body === undefined ? p.head : p.head + p.body);
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private fail(err: Error): void {
    if (this.closed && !this.current) return;
    this.closed = true;
    this.socket.destroy();
    const p = this.current;
    this.current = null;
    this.onGone(this);
    p?.reject(err);
  }

  private read(chunk: Buffer): void {
    const buf = this.buffered ? Buffer.concat([this.buffered, chunk]) : chunk;
    this.buffered = null;
    if (!this.current) return this.fail(new Error('the server answered a request that was not sent'));
    if (this.length < 0) {
      const end = buf.indexOf(CRLFCRLF);
      if (end < 0) {
        this.buffered = buf;
        return;
      }
      if (!this.head(buf.toString('latin1', 0, end))) return;
      this.bodyStart = end + 4;
    }
    const complete = this.bodyStart + this.length;
    if (buf.length < complete) {
      this.buffered = buf;
      return;
    }
    if (buf.length > complete) return this.fail(new Error('bytes after the answer (pipelining is not used)'));
    const p = this.current;
    const answer = {
      status: this.status,
      text: this.length ? buf.toString('utf8', this.bodyStart, complete) : '',
      retryAfter: this.retryAfter,
    };
    this.current = null;
    this.bodyStart = 0;
    if (this.closeAfter) {
      this.closed = true;
      this.socket.destroy();
      this.onGone(this);
    } else this.onIdle(this);
    p.resolve(answer);
  }

  /** Reads the status line and the headers this client needs; false when it failed the request. */
  private head(text: string): boolean {
    // "HTTP/1.1 409 Conflict"
    this.status = Number(text.slice(9, 12));
    if (this.status < 200) {
      this.fail(new Error(`unexpected status line: ${text.slice(0, text.indexOf('\r\n'))}`));
      return false;
    }
    let at = text.indexOf('\r\n') + 2;
    while (at > 1 && at < text.length) {
      const eol = text.indexOf('\r\n', at);
      const line = eol < 0 ? text.slice(at) : text.slice(at, eol);
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).toLowerCase();
      if (name === 'content-length') this.length = Number(line.slice(colon + 1));
      else if (name === 'retry-after') this.retryAfter = Number(line.slice(colon + 1));
      else if (name === 'connection')
        this.closeAfter =
          line
            .slice(colon + 1)
            .trim()
            .toLowerCase() === 'close';
      else if (name === 'transfer-encoding') {
        this.fail(new Error('chunked answers are not supported by this client'));
        return false;
      }
      at = eol < 0 ? text.length : eol + 2;
    }
    if (this.length < 0) this.length = 0;
    return true;
  }
}

/** Up to `connections` keep-alive connections to one origin; requests beyond them wait in order. */
export class LeanClient {
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly waiting: Pending[] = [];
  private readonly host: string;
  private readonly port: number;
  private readonly hostHeader: string;

  constructor(
    origin: string,
    private readonly connections: number,
  ) {
    const url = new URL(origin);
    this.host = url.hostname;
    this.port = Number(url.port || 80);
    this.hostHeader = url.host;
  }

  /** `headers`: extra header lines, each `name: value`. */
  request(method: string, path: string, headers: string[], body?: string): Promise<RawAnswer> {
    let head = `${method} ${path} HTTP/1.1\r\nhost: ${this.hostHeader}\r\n`;
    for (const h of headers) head += `${h}\r\n`;
    head +=
      body === undefined
        ? method === 'GET'
          ? '\r\n'
          : 'content-length: 0\r\n\r\n'
        : `content-length: ${Buffer.byteLength(body)}\r\n\r\n`;
    return new Promise<RawAnswer>((resolve, reject) => {
      const p: Pending = { head, body, resolve, reject };
      const c = this.idle.pop() ?? this.open();
      if (c) c.send(p);
      else this.waiting.push(p);
    });
  }

  close(): void {
    for (const c of this.all) c.close();
    this.all.clear();
    this.idle.length = 0;
    for (const p of this.waiting.splice(0)) p.reject(new Error('client closed'));
  }

  private open(): Connection | undefined {
    if (this.all.size >= this.connections) return undefined;
    const c = new Connection(
      this.port,
      this.host,
      (done) => {
        const next = this.waiting.shift();
        if (next) done.send(next);
        else this.idle.push(done);
      },
      (gone) => {
        this.all.delete(gone);
        const i = this.idle.indexOf(gone);
        if (i >= 0) this.idle.splice(i, 1);
        // a request waiting for a connection takes a new one in place of the one that went
        const next = this.waiting.shift();
        if (next) {
          const fresh = this.open();
          if (fresh) fresh.send(next);
          else this.waiting.unshift(next);
        }
      },
    );
    this.all.add(c);
    return c;
  }
}
