import { useCallback, useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, errorMessage } from './client';
import { queueStatus, reserve } from './flash';
import { keys } from './keys';
import type { Reservation } from './types';

export type ReservationState =
  | { kind: 'idle' }
  | { kind: 'sending'; sku: string }
  | { kind: 'queued'; sku: string; quantity: number; token: string; position: number; pollAfter: number }
  | { kind: 'held'; sku: string; reservation: Reservation }
  | { kind: 'failed'; sku: string; error: unknown };

/** What a refused reservation means to the buyer. */
export function reservationMessage(err: unknown, limit?: number): string {
  if (err instanceof ApiError) {
    const wait = err.retryAfter ? ` Try again in ${err.retryAfter} s.` : ' Try again in a moment.';
    switch (err.code ?? '') {
      case 'out_of_stock':
        return 'Sold out: every unit of this sale has been reserved.';
      case 'sale_not_active':
        return 'This sale is not running: it has not started yet or it is over.';
      case 'limit_exceeded':
        return `You have reached this sale’s limit${limit ? ` of ${limit} per customer` : ''}.`;
      case 'rate_limited':
        return `The waiting room is full.${wait}`;
      case 'overloaded':
        return `Too many shoppers right now.${wait}`;
      case 'unauthorized':
        return 'Sign in to reserve.';
    }
  }
  return errorMessage(err);
}

/**
 * Reserving a flash-sale unit, through the waiting room when the sale is busy: a 202 gives a
 * place; its queue status is polled as the server asks (`pollAfter`), and once admitted the
 * reservation is sent again with the place's token.
 */
export function useReservation(saleId: string) {
  const client = useQueryClient();
  const [state, setState] = useState<ReservationState>({ kind: 'idle' });

  const send = useCallback(
    async (sku: string, quantity: number, queueToken?: string) => {
      setState({ kind: 'sending', sku });
      try {
        const answer = await reserve(saleId, { sku, quantity, queueToken });
        if ('held' in answer) {
          setState({ kind: 'held', sku, reservation: answer.held });
          void client.invalidateQueries({ queryKey: keys.cart.all });
          void client.invalidateQueries({ queryKey: keys.flashSales.all });
        } else {
          const q = answer.queued;
          setState({
            kind: 'queued',
            sku,
            quantity,
            token: q.queueToken,
            position: q.position,
            pollAfter: q.pollAfter,
          });
        }
      } catch (error) {
        setState({ kind: 'failed', sku, error });
        void client.invalidateQueries({ queryKey: keys.flashSales.detail(saleId) });
      }
    },
    [client, saleId],
  );

  useEffect(() => {
    if (state.kind !== 'queued') return;
    const controller = new AbortController();
    const timer = setTimeout(
      () => {
        queueStatus(saleId, state.token, controller.signal).then(
          (s) => {
            if (s.status === 'admitted') void send(state.sku, state.quantity, state.token);
            else setState({ ...state, position: s.position, pollAfter: s.pollAfter });
          },
          (error: unknown) => {
            if (!controller.signal.aborted) setState({ kind: 'failed', sku: state.sku, error });
          },
        );
      },
      Math.max(250, state.pollAfter * 1_000),
    );
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [saleId, send, state]);

  const cancel = useCallback(() => setState({ kind: 'idle' }), []);
  return { state, reserve: send, cancel };
}
