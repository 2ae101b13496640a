// The baseline: a bare Fastify route, run in its own process next to Agora in every benchmark.
// `POST /sales/:id/reservations` is the same framework answering a request shaped like a flash-sale
// decision (a bearer token, a JSON body checked against a schema, a 409 problem+json of the same
// size, a request id): what the shape of that request costs before any of Agora's own work.
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
app.post<{ Params: { id: string }; Body: { sku: string; quantity: number } }>(
  '/sales/:id/reservations',
  {
    schema: {
      body: {
        type: 'object',
        required: ['sku', 'quantity'],
        additionalProperties: false,
        properties: {
          sku: { type: 'string', minLength: 1, maxLength: 64 },
          quantity: { type: 'integer', minimum: 1, maximum: 100 },
          queueToken: { type: 'string', maxLength: 400 },
        },
      },
    },
  },
  async (request, reply) => {
    const auth = request.headers.authorization;
    if (!auth?.startsWith('Bearer ')) return reply.code(401).send({ code: 'unauthorized' });
    const requestId = randomUUID();
    return reply
      .code(409)
      .header('content-type', 'application/problem+json; charset=utf-8')
      .header('x-request-id', requestId)
      .send(
        JSON.stringify({
          type: 'urn:agora:problem:out_of_stock',
          title: 'Conflict',
          status: 409,
          code: 'out_of_stock',
          detail: 'No units of this SKU remain in the flash sale',
          requestId,
          saleId: request.params.id,
          lines: [{ sku: request.body.sku, requested: request.body.quantity, available: 0 }],
        }),
      );
  },
);
await app.listen({ port: Number(process.env.PORT ?? 3901), host: '127.0.0.1' });
