import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { AnyDb } from '../../platform/db.js';
import { problems } from '../../platform/http/problem.js';
import type { JobRunner } from '../../platform/jobs/runner.js';
import { NotAwaitingActionError, UnknownClientSecretError } from './errors.js';
import type { SandboxProvider } from './sandbox.js';
import type { PaymentService } from './service.js';
import { applyProviderEvent } from './webhooks.js';

const ConfirmBody = Type.Object(
  {
    clientSecret: Type.String({
      minLength: 1,
      maxLength: 255,
      description:
        'The pending payment’s `clientSecret` (the checkout’s 202 answer, or the order read by its buyer)',
    }),
    outcome: Type.Optional(
      Type.Union([Type.Literal('authenticated'), Type.Literal('failed')], {
        description: 'What the customer’s challenge gives: `authenticated` (the default) or `failed`',
      }),
    ),
  },
  { additionalProperties: false },
);
const ConfirmAnswer = Type.Object({
  status: Type.Union([Type.Literal('authorized'), Type.Literal('failed'), Type.Literal('captured')], {
    description:
      'The provider’s status of the payment: `authorized` (the checkout completes: the order becomes confirmed), `failed` (the checkout is cancelled, nothing charged), `captured` (completed before)',
  }),
});

interface Deps {
  db: AnyDb;
  jobs: JobRunner;
  service: PaymentService;
  sandbox: SandboxProvider;
}

/**
 * The customer's 3-D Secure step of a sandbox payment, as Stripe.js's confirm is for Stripe: the
 * sandbox finishes the payment and reports it as its webhook does, applied once in this process
 * (no signing secret needed), so the checkout completes (or is cancelled) through its one entry
 * point, as after any provider webhook.
 * @throws UnknownClientSecretError (404), NotAwaitingActionError (409: the shop cancelled it, or
 * it was decided otherwise)
 */
export async function confirmSandboxAction(
  deps: Deps,
  input: Static<typeof ConfirmBody>,
  correlationId: string,
): Promise<Static<typeof ConfirmAnswer>> {
  const done = await deps.sandbox.authenticate(input.clientSecret, input.outcome ?? 'authenticated');
  if (done.kind === 'unknown') throw new UnknownClientSecretError();
  if (done.kind === 'not_awaiting') throw new NotAwaitingActionError(done.status);
  await applyProviderEvent(deps, 'sandbox', done.event, correlationId);
  return { status: done.status };
}

/**
 * `POST /v1/payments/sandbox/confirm`, registered only while the sandbox provider is on. The
 * client secret is the capability, as Stripe's is: it is given only to the order's buyer.
 */
export function sandboxRoutes(deps: Deps): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    app.post(
      '/v1/payments/sandbox/confirm',
      {
        schema: {
          tags: ['payments'],
          summary:
            'Sandbox only: the customer’s 3-D Secure step of a pending payment (what Stripe.js’s confirm does for Stripe)',
          body: ConfirmBody,
          response: { 200: ConfirmAnswer, ...problems(400, 404, 409, 413) },
        },
      },
      async (req) => confirmSandboxAction(deps, req.body, req.id),
    );
  };
}
