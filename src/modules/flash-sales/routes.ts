import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ctxOf } from '../../platform/context.js';
import type { AnyDb } from '../../platform/db.js';
import { actorOf, type AuthGuard } from '../../platform/http/auth.js';
import { OWN_ADMISSION } from '../../platform/http/admission.js';
import { sendProblem } from '../../platform/http/error-handler.js';
import { problems } from '../../platform/http/problem.js';
import { SaleNotFoundError } from './errors.js';
import type { Reservations } from './reservations.js';
import type { SaleBook } from './sale-book.js';
import * as edits from './sale-edit.js';
import * as sales from './sale-service.js';
import {
  CreateSaleBody,
  FlashSale,
  QueueParams,
  QueueStatus,
  Queued,
  Reservation,
  ReservationBody,
  SaleListQuery,
  SalePage,
  SaleParams,
  UpdateSaleBody,
} from './schemas.js';
import type { WaitingRoom } from './waiting-room.js';

export interface FlashRouteDeps {
  db: AnyDb;
  guard: AuthGuard;
  saleDeps: sales.SaleDeps;
  reservations: Reservations;
  room: WaitingRoom;
  book: SaleBook;
  /**
   * After this process created, edited or ended a sale: refresh what it keeps in memory (the sale
   * book, and the admission gate's counts of a running sale), so its next request sees the change.
   */
  onChange(saleId: string): Promise<void>;
}

export function flashSaleRoutes(deps: FlashRouteDeps): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(FlashSale);
    app.addSchema(Queued);
    const { guard, db } = deps;
    const tags = ['flash sales'];
    const security = [{ bearer: [] }];

    app.post(
      '/v1/admin/flash-sales',
      {
        preHandler: guard.requireRole('admin'),
        schema: {
          tags,
          security,
          body: CreateSaleBody,
          response: { 201: Type.Ref('FlashSale'), ...problems(400, 401, 403) },
        },
      },
      async (req, reply) => {
        const sale = await sales.createSale(ctxOf(req, db), deps.saleDeps, req.body);
        await deps.onChange(sale.id);
        return reply.code(201).send(sale);
      },
    );

    app.patch(
      '/v1/admin/flash-sales/:id',
      {
        preHandler: guard.requireRole('admin'),
        schema: {
          tags,
          security,
          description:
            'Edits a sale. Scheduled: name, startsAt, endsAt and items (the whole new list), checked as on ' +
            'create. Active: name, endsAt (an endsAt not in the future ends the sale now, as POST …/end) and ' +
            'item quantities: never below the units sold or held; a raise takes the extra units from ordinary stock, ' +
            'all of them or 409 out_of_stock. Anything else a started sale cannot change, and any edit of an ended ' +
            'or sold-out sale, is a 409 conflict.',
          params: SaleParams,
          body: UpdateSaleBody,
          response: { 200: Type.Ref('FlashSale'), ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (req) => {
        const sale = await edits.updateSale(ctxOf(req, db), deps.saleDeps, req.params.id, req.body);
        await deps.onChange(sale.id);
        return sale;
      },
    );

    app.post(
      '/v1/admin/flash-sales/:id/end',
      {
        preHandler: guard.requireRole('admin'),
        schema: {
          tags,
          security,
          description:
            'Ends a scheduled, active or sold-out sale now, as its end time would: reservations stop, its unsold and ' +
            'unheld units go back to ordinary stock, flash_sale.ended is published; holds already in carts may ' +
            'still be checked out until they expire. Idempotent: an ended sale is answered as it is (200).',
          params: SaleParams,
          response: { 200: Type.Ref('FlashSale'), ...problems(400, 401, 403, 404) },
        },
      },
      async (req) => {
        const sale = await edits.endSaleNow(ctxOf(req, db), deps.saleDeps, req.params.id);
        await deps.onChange(sale.id);
        return sale;
      },
    );

    app.get(
      '/v1/flash-sales',
      { schema: { tags, querystring: SaleListQuery, response: { 200: SalePage, ...problems(400) } } },
      async (req) => sales.listSales(db, req.query),
    );

    app.get(
      '/v1/flash-sales/:id',
      {
        schema: { tags, params: SaleParams, response: { 200: Type.Ref('FlashSale'), ...problems(400, 404) } },
      },
      async (req) => sales.getSale(db, req.params.id),
    );

    app.post(
      '/v1/flash-sales/:id/reservations',
      {
        // What memory refuses whoever asks (sold out, not active, past the limit) is the same answer
        // for every buyer and public on the sale's page: it needs a plausible token, not its signature.
        preHandler: guard.requireRoleUnless(['buyer'], (req) => {
          const { params, body } = req as unknown as { params: { id: string }; body: ReservationBody };
          return deps.reservations.refusal(params.id, body);
        }),
        // the waiting room and the gate are this route's throttle
        config: OWN_ADMISSION,
        schema: {
          tags,
          security,
          description:
            "Holds units of a flash-sale SKU and puts them in the buyer's cart at the sale price. " +
            'When the path is full the answer is 202 with a queue token (see FlashSaleQueued). ' +
            'A refusal that is the same for every buyer (sold out, not active, quantity past the limit) ' +
            "is answered to a well-formed, unexpired access token without checking the token's signature.",
          params: SaleParams,
          body: ReservationBody,
          response: {
            201: Reservation,
            202: Type.Ref('FlashSaleQueued'),
            ...problems(400, 401, 403, 404, 409, 429, 503),
          },
        },
      },
      (req, reply) => {
        // What memory refuses is answered without a promise or a thrown error: on a sold-out sale
        // that is nearly every request (here when the token's signature was checked first).
        const refused = deps.reservations.refusal(req.params.id, req.body);
        if (refused) {
          sendProblem(reply, req, refused);
          return;
        }
        return deps.reservations.reserve(req.params.id, actorOf(req).userId, req.body).then((answer) => {
          if ('queued' in answer)
            return reply
              .code(202)
              .header('retry-after', String(Math.max(1, Math.ceil(answer.queued.pollAfter))))
              .send(answer.queued);
          return reply.code(201).send(answer.reserved);
        });
      },
    );

    app.get(
      '/v1/flash-sales/:id/queue/:token',
      {
        preHandler: guard.requireUser,
        config: OWN_ADMISSION,
        schema: {
          tags,
          security,
          description: 'Where a waiting-room place stands; once admitted, reserve with the token',
          params: QueueParams,
          response: { 200: QueueStatus, ...problems(400, 401, 404) },
        },
      },
      async (req, reply) => {
        const { id, token } = req.params;
        if (!(await deps.book.get(id))) throw new SaleNotFoundError();
        const s = deps.room.status(id, actorOf(req).userId, token);
        if (!s.admitted) reply.header('retry-after', String(Math.max(1, Math.ceil(s.pollAfter))));
        return {
          status: s.admitted ? ('admitted' as const) : ('waiting' as const),
          saleId: id,
          position: s.position,
          pollAfter: s.pollAfter,
          admittedUntil: s.admittedUntil?.toISOString() ?? null,
        };
      },
    );
  };
}
