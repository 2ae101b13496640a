import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';

/** A real SMTP server on a free local port; every message is parsed with mailparser. */
export async function startSmtp() {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          mails.push(mail);
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    mails,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

interface Received {
  body: string;
  signature: string;
  valid: boolean;
}

/** A webhook endpoint that answers 500 to the first `failFirst` calls, and checks signatures. */
export async function startReceiver() {
  const state = { secret: '', failFirst: 0, calls: 0, received: [] as Received[], alwaysFail: false };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      state.calls++;
      const signature = String(req.headers['x-agora-signature'] ?? '');
      const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature);
      const expected = m ? createHmac('sha256', state.secret).update(`${m[1]}.${body}`).digest('hex') : '';
      state.received.push({ body, signature, valid: Boolean(m) && expected === m![2] });
      const fail = state.alwaysFail || state.calls <= state.failFirst;
      res.writeHead(fail ? 500 : 200).end(fail ? 'nope' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    state,
    url: `http://127.0.0.1:${port}/hooks`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
