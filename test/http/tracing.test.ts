import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startAgora, type TestAgora } from '../helpers/agora.js';
import { FAST_ENV } from '../helpers/catalog.js';
import { ADDRESS, marketplace } from '../helpers/checkout.js';
import { waitFor } from '../helpers/events.js';

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  links: { traceId: string; spanId: string }[];
}

// OTLP's span kinds
const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;

/**
 * A minimal OTLP/HTTP (JSON) trace receiver, as a collector would run: it keeps every span sent to
 * POST /v1/traces.
 */
async function otlpReceiver() {
  const spans: ReceivedSpan[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[];
        };
        for (const rs of body.resourceSpans)
          for (const ss of rs.scopeSpans)
            for (const s of ss.spans)
              spans.push({
                traceId: s.traceId as string,
                spanId: s.spanId as string,
                parentSpanId: (s.parentSpanId as string | undefined) || undefined,
                name: s.name as string,
                kind: s.kind as number,
                attributes: Object.fromEntries(
                  ((s.attributes ?? []) as { key: string; value: Record<string, unknown> }[]).map((a) => [
                    a.key,
                    Object.values(a.value)[0],
                  ]),
                ),
                links: ((s.links ?? []) as { traceId: string; spanId: string }[]).map((l) => ({
                  traceId: l.traceId,
                  spanId: l.spanId,
                })),
              });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { spans, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe.skipIf(!inject('pgTemplate'))('traces (OpenTelemetry, postgres)', () => {
  let receiver: Awaited<ReturnType<typeof otlpReceiver>>;
  let agora: TestAgora;

  beforeAll(async () => {
    receiver = await otlpReceiver();
    agora = await startAgora('postgres', { ...FAST_ENV, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    await agora.startBackground();
  });
  afterAll(async () => {
    await agora?.close();
    receiver?.server.close();
  });

  it('a checkout continues the caller’s trace: its request, statements, payment calls and the events’ consumers', async () => {
    expect(agora.rt.tracing).not.toBeNull();
    const m = await marketplace(agora);
    const seller = await m.seller();
    const [sku] = await m.product(seller.token, [{ stock: 5 }]);
    const buyer = await m.buyer();
    const cartId = await m.cartWith(buyer.token, [{ sku, quantity: 1 }]);

    const traceId = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const res = await agora.request({
      method: 'POST',
      url: '/v1/checkout',
      token: buyer.token,
      headers: { 'idempotency-key': randomUUID(), traceparent: `00-${traceId}-${callerSpan}-01` },
      body: { cartId, shippingAddress: ADDRESS, payment: { provider: 'sandbox', token: 'tok_visa' } },
    });
    expect(res.statusCode).toBe(201);

    const ofTrace = () => receiver.spans.filter((s) => s.traceId === traceId);
    // the events the checkout published are consumed (alone, or in a batch linked to this trace)
    const consumedHere = () =>
      receiver.spans.filter(
        (s) => s.kind === CONSUMER && (s.traceId === traceId || s.links.some((l) => l.traceId === traceId)),
      );
    await waitFor(
      async () => {
        await agora.rt.tracing!.flush();
        return consumedHere().length > 0;
      },
      10_000,
      'a consumer span of the checkout’s events',
    );

    const spans = ofTrace();
    const request = spans.find((s) => s.kind === SERVER);
    expect(request, 'the request’s span').toBeDefined();
    expect(request!.parentSpanId).toBe(callerSpan);
    expect(request!.attributes['http.route']).toBe('/v1/checkout');
    expect(request!.name).toBe('POST /v1/checkout');

    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const under = (s: ReceivedSpan, ancestor: ReceivedSpan) => {
      for (let p = s.parentSpanId; p; p = byId.get(p)?.parentSpanId) if (p === ancestor.spanId) return true;
      return false;
    };
    const statements = spans.filter(
      (s) => s.kind === CLIENT && s.attributes['db.system.name'] === 'postgresql',
    );
    expect(statements.filter((s) => under(s, request!)).length).toBeGreaterThan(2);
    expect(statements.some((s) => String(s.attributes['db.query.text']).includes('platform.outbox'))).toBe(
      true,
    );
    const payments = spans.filter((s) => s.name.startsWith('payment '));
    expect(payments.map((s) => s.name)).toEqual(
      expect.arrayContaining(['payment authorize', 'payment capture']),
    );
    expect(payments.every((s) => under(s, request!))).toBe(true);
    expect(consumedHere()[0].attributes['messaging.system']).toBe('agora');
  });

  it('a request without a caller’s trace starts one of its own', async () => {
    const before = receiver.spans.length;
    const res = await agora.request({ method: 'GET', url: '/v1/categories' });
    expect(res.statusCode).toBe(200);
    await agora.rt.tracing!.flush();
    const request = receiver.spans
      .slice(before)
      .find((s) => s.kind === SERVER && s.attributes['http.route'] === '/v1/categories');
    expect(request).toBeDefined();
    expect(request!.parentSpanId).toBeUndefined();
  });
});
