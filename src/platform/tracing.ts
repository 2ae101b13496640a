import {
  context,
  propagation,
  ROOT_CONTEXT,
  trace,
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';
import type { FastifyPluginCallback } from 'fastify';
import type { Config } from './config.js';
import type { Logger } from 'pino';

/**
 * OpenTelemetry traces, on when an OTLP endpoint is configured (`OTEL_EXPORTER_OTLP_ENDPOINT` or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, the standard variables): a span for each request (continuing
 * the caller's W3C `traceparent`), each PostgreSQL statement, each event a consumer handles (the
 * event carries the publishing request's context through the outbox and the broker), each payment
 * provider call and each outbound webhook (which passes `traceparent` on). Spans are batched and sent
 * by OTLP over HTTP. Off, the SDK is not even loaded, and `traced` is one boolean test.
 */
export interface Tracing {
  /** The Fastify plugin that makes a span of each request; registered before any route. */
  fastifyPlugin: FastifyPluginCallback;
  /** Sends the spans ended so far. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

let on = false;
const tracer = () => trace.getTracer('agora');

/** Whether spans are being recorded in this process. */
export const tracingOn = (): boolean => on;

export async function startTracing(
  config: Pick<
    Config,
    | 'OTEL_EXPORTER_OTLP_ENDPOINT'
    | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'
    | 'OTEL_SERVICE_NAME'
    | 'AGORA_TRACES_SAMPLE_RATIO'
  >,
  log: Logger,
): Promise<Tracing | null> {
  const url =
    config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (config.OTEL_EXPORTER_OTLP_ENDPOINT
      ? `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`
      : undefined);
  if (!url) return null;
  // loaded only when configured: the SDK and the exporter add to a start that does not use them
  const [sdk, { OTLPTraceExporter }, { resourceFromAttributes }, { FastifyOtelInstrumentation }] =
    await Promise.all([
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
      import('@fastify/otel'),
    ]);
  const exporter = new OTLPTraceExporter({ url, timeoutMillis: 5_000 });
  const provider = new sdk.NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.OTEL_SERVICE_NAME }),
    sampler: new sdk.ParentBasedSampler({
      root: new sdk.TraceIdRatioBasedSampler(config.AGORA_TRACES_SAMPLE_RATIO),
    }),
    spanProcessors: [new sdk.BatchSpanProcessor(exporter)],
  });
  // the global tracer provider, an AsyncLocalStorage context manager and the W3C propagators
  provider.register();
  on = true;
  const fastifyOtel = new FastifyOtelInstrumentation({
    // one span per request, named by its route; spans of each hook and handler would add a dozen
    instrumentHooks: false,
    instrumentHandler: false,
    requestHook: (span, request) => {
      if (request.routeOptions.url) span.updateName(`${request.method} ${request.routeOptions.url}`);
    },
    ignorePaths: (route) => route.url === '/healthz' || route.url === '/readyz' || route.url === '/metrics',
  });
  fastifyOtel.setTracerProvider(provider);
  log.info({ url, sampleRatio: config.AGORA_TRACES_SAMPLE_RATIO }, 'tracing: spans are exported by OTLP');
  return {
    fastifyPlugin: fastifyOtel.plugin(),
    flush: () => provider.forceFlush(),
    async shutdown() {
      on = false;
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        context.disable();
        propagation.disable();
      }
    },
  };
}

/**
 * Runs `work` in a span named `name` (a child of the active one, or of `parent`), which records
 * the error `work` throws. With tracing off it only runs `work`.
 */
export function traced<T>(
  name: string,
  kind: SpanKind,
  attributes: Attributes,
  work: (span: Span | null) => Promise<T>,
  parent?: Context,
  links?: Link[],
): Promise<T> {
  if (!on) return work(null);
  return tracer().startActiveSpan(
    name,
    { kind, attributes, links },
    parent ?? context.active(),
    async (span) => {
      try {
        return await work(span);
      } catch (err) {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/** The active context as a W3C `traceparent` (for an event or an outgoing request), when tracing. */
export function currentTraceparent(): string | undefined {
  if (!on) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** The context a `traceparent` continues (an event's publisher, for its consumers). */
export function contextOf(traceparent: string | undefined): Context | undefined {
  if (!on || !traceparent) return undefined;
  return propagation.extract(context.active(), { traceparent });
}

/**
 * Runs a consumer's handling of `traceparents`' events in a CONSUMER span: the child of the one
 * event's publisher, or for a batch, a span of its own linked to each publisher.
 */
export function consumed<T>(
  consumer: string,
  events: { id: string; type: string; traceparent?: string }[],
  work: () => Promise<T>,
): Promise<T> {
  if (!on) return work();
  const attributes: Attributes = {
    'messaging.system': 'agora',
    'messaging.operation.type': 'process',
    'messaging.consumer.group.name': consumer,
  };
  if (events.length === 1) {
    const [e] = events;
    attributes['messaging.destination.name'] = e.type;
    attributes['messaging.message.id'] = e.id;
    return traced(`process ${e.type}`, SpanKind.CONSUMER, attributes, work, contextOf(e.traceparent));
  }
  attributes['messaging.batch.message_count'] = events.length;
  const links: Link[] = [];
  for (const e of events) {
    const sc = e.traceparent ? trace.getSpanContext(contextOf(e.traceparent)!) : undefined;
    if (sc) links.push({ context: sc });
  }
  return traced(`process ${consumer} batch`, SpanKind.CONSUMER, attributes, work, ROOT_CONTEXT, links);
}

/** Whether a span is active here: what happens outside one (a poll, a sweep) is not traced. */
export const inSpan = (): boolean => on && trace.getActiveSpan() !== undefined;

/** Ids of the active span, for log lines. */
export function activeSpanIds(): { traceId: string; spanId: string } | undefined {
  if (!on) return undefined;
  const sc = trace.getActiveSpan()?.spanContext();
  return sc ? { traceId: sc.traceId, spanId: sc.spanId } : undefined;
}

export { SpanKind };
