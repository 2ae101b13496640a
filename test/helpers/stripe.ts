import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

export interface FakeIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  currency: string;
  status: string;
  capture_method: 'manual';
  amount_capturable: number;
  amount_received: number;
  client_secret: string;
  metadata: Record<string, string>;
  last_payment_error: null | { code: string; decline_code: string };
}

/**
 * A local HTTP server standing in for api.stripe.com (the SDK is pointed at it with host, port and
 * protocol): PaymentIntents with manual capture, cancel, refunds, idempotency keys replayed like
 * Stripe does. `mode` makes it fail as an outage (503) or answer slowly.
 */
export async function startFakeStripe() {
  const intents = new Map<string, FakeIntent>();
  const byKey = new Map<string, { status: number; body: string }>();
  const requests: {
    method: string;
    path: string;
    idempotencyKey: string | undefined;
    form: URLSearchParams;
  }[] = [];
  const state = { mode: 'ok' as 'ok' | 'outage' | 'slow', slowMs: 2_000 };

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const form = new URLSearchParams(raw);
      const key = req.headers['idempotency-key'] as string | undefined;
      const path = (req.url ?? '').split('?')[0];
      requests.push({ method: req.method ?? '', path, idempotencyKey: key, form });
      const send = (status: number, body: unknown) => {
        const text = JSON.stringify(body);
        if (key) byKey.set(key, { status, body: text });
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${randomUUID()}` });
        res.end(text);
      };
      const answer = () => {
        if (state.mode === 'outage')
          return send(503, { error: { type: 'api_error', message: 'Stripe is unavailable (fake)' } });
        if (key && byKey.has(key)) {
          const stored = byKey.get(key)!;
          res.writeHead(stored.status, { 'content-type': 'application/json', 'idempotent-replayed': 'true' });
          return res.end(stored.body);
        }
        route(path, form, send);
      };
      if (state.mode === 'slow') setTimeout(answer, state.slowMs);
      else answer();
    });
  });

  function route(path: string, form: URLSearchParams, send: (s: number, b: unknown) => void) {
    let m: RegExpExecArray | null;
    if (path === '/v1/payment_intents') {
      const token = form.get('payment_method') ?? form.get('payment_method_data[card][token]') ?? '';
      const metadata: Record<string, string> = {};
      for (const [k, v] of form) {
        const mm = /^metadata\[(\w+)\]$/.exec(k);
        if (mm) metadata[mm[1]] = v;
      }
      const intent: FakeIntent = {
        id: `pi_${randomUUID().replace(/-/g, '')}`,
        object: 'payment_intent',
        amount: Number(form.get('amount')),
        currency: form.get('currency') ?? 'usd',
        status: 'requires_capture',
        capture_method: 'manual',
        amount_capturable: Number(form.get('amount')),
        amount_received: 0,
        client_secret: 'secret',
        metadata,
        last_payment_error: null,
      };
      if (token.includes('Declined') || token === 'tok_chargeDeclined') {
        intent.status = 'requires_payment_method';
        intent.last_payment_error = { code: 'card_declined', decline_code: 'generic_decline' };
        intents.set(intent.id, intent);
        return send(402, {
          error: {
            type: 'card_error',
            code: 'card_declined',
            decline_code: 'generic_decline',
            message: 'Your card was declined.',
            payment_intent: intent,
          },
        });
      }
      if (token.includes('3ds') || token === 'pm_card_authenticationRequired')
        intent.status = 'requires_action';
      intents.set(intent.id, intent);
      return send(200, intent);
    }
    if ((m = /^\/v1\/payment_intents\/(\w+)\/capture$/.exec(path))) {
      const intent = intents.get(m[1]);
      if (!intent || intent.status !== 'requires_capture')
        return send(400, {
          error: {
            type: 'invalid_request_error',
            code: 'payment_intent_unexpected_state',
            message: 'cannot capture',
          },
        });
      intent.status = 'succeeded';
      intent.amount_received = Number(form.get('amount_to_capture') ?? intent.amount);
      intent.amount_capturable = 0;
      return send(200, intent);
    }
    if ((m = /^\/v1\/payment_intents\/(\w+)\/cancel$/.exec(path))) {
      const intent = intents.get(m[1]);
      if (!intent || intent.status === 'succeeded')
        return send(400, {
          error: {
            type: 'invalid_request_error',
            code: 'payment_intent_unexpected_state',
            message: 'cannot cancel',
          },
        });
      intent.status = 'canceled';
      intent.amount_capturable = 0;
      return send(200, intent);
    }
    if (path === '/v1/refunds') {
      const intent = intents.get(form.get('payment_intent') ?? '');
      if (!intent || intent.status !== 'succeeded')
        return send(400, {
          error: { type: 'invalid_request_error', code: 'charge_not_captured', message: 'cannot refund' },
        });
      return send(200, {
        id: `re_${randomUUID().replace(/-/g, '')}`,
        object: 'refund',
        amount: Number(form.get('amount')),
        status: 'succeeded',
      });
    }
    send(404, { error: { type: 'invalid_request_error', message: `no route ${path}` } });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    intents,
    requests,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
