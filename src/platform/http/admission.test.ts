import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { shedLoad } from './admission.js';

describe('load shedding policy', () => {
  const request = { log: { warn: () => undefined } } as unknown as FastifyRequest;
  const reply = {} as FastifyReply;

  it('sheds a measured delay past the limit with 503 overloaded, once the start is over', async () => {
    await expect(shedLoad(() => 0)(request, reply, 'eventLoopDelay', 1_500)).rejects.toMatchObject({
      code: 'overloaded',
    });
    expect(shedLoad(() => Date.now() + 60_000)(request, reply, 'eventLoopDelay', 1_500)).toBeUndefined();
  });

  it('does not shed a window the histogram took no sample in (reported as an infinite delay)', () => {
    expect(shedLoad(() => 0)(request, reply, 'eventLoopDelay', Infinity)).toBeUndefined();
  });
});
