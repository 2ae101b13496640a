import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, arrivedData } from './client';
import { keys } from './keys';
import { reads } from './paths';
import type {
  CreateFlashSaleBody,
  FlashSale,
  Page,
  Queued,
  QueueStatus,
  Reservation,
  SaleState,
  UpdateFlashSaleBody,
} from './types';

/** Sales in one state; running ones are read again every few seconds for their remaining units. */
export function useFlashSales(state: SaleState | '', refetchMs = 10_000) {
  return useQuery({
    queryKey: keys.flashSales.list(state),
    queryFn: ({ signal }) => api<Page<FlashSale>>(reads.flashSales(state), { signal }),
    ...arrivedData<Page<FlashSale>>(reads.flashSales(state)),
    refetchInterval: refetchMs,
    staleTime: 2_000,
  });
}

export function useFlashSale(id: string | undefined, refetchMs: number | false = 5_000) {
  return useQuery({
    queryKey: keys.flashSales.detail(id ?? ''),
    queryFn: ({ signal }) => api<FlashSale>(`/v1/flash-sales/${encodeURIComponent(id ?? '')}`, { signal }),
    enabled: Boolean(id),
    refetchInterval: (q) =>
      q.state.data && ['ended', 'sold_out'].includes(q.state.data.state) ? false : refetchMs,
    staleTime: 1_000,
  });
}

export function useCreateFlashSale() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateFlashSaleBody) =>
      api<FlashSale>('/v1/admin/flash-sales', { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.flashSales.all }),
  });
}

const adminSale = (id: string) => `/v1/admin/flash-sales/${encodeURIComponent(id)}`;

/** An admin's edit: a scheduled sale in any field, a running one in its name, end and quantities. */
export function useUpdateFlashSale(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateFlashSaleBody) => api<FlashSale>(adminSale(id), { method: 'PATCH', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.flashSales.all }),
  });
}

/** Ends a scheduled or running sale now (an ended one is answered as it is). */
export function useEndFlashSale(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<FlashSale>(`${adminSale(id)}/end`, { method: 'POST' }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.flashSales.all }),
  });
}

/** A reservation is held (201) or the buyer has a place in the waiting room (202). */
export type ReserveAnswer = { held: Reservation } | { queued: Queued };

export async function reserve(
  saleId: string,
  body: { sku: string; quantity: number; queueToken?: string },
): Promise<ReserveAnswer> {
  const answer = await api<Reservation | Queued>(`/v1/flash-sales/${saleId}/reservations`, {
    method: 'POST',
    body,
  });
  return 'queueToken' in answer && answer.status === 'queued'
    ? { queued: answer }
    : { held: answer as Reservation };
}

export function queueStatus(saleId: string, token: string, signal?: AbortSignal): Promise<QueueStatus> {
  return api<QueueStatus>(`/v1/flash-sales/${saleId}/queue/${encodeURIComponent(token)}`, { signal });
}

/** A sale read for the live view, with each item's reservations per second since the last read. */
export interface LiveSale {
  sale: FlashSale;
  at: number;
  rates: Record<string, number>;
}

/** Units taken (held or sold) of each item: their growth between two reads is the reservation rate. */
const taken = (sale: FlashSale) =>
  Object.fromEntries(sale.items.map((i) => [i.sku, i.allocated - i.remaining]));

export function useLiveSale(id: string | undefined, everyMs = 2_000) {
  const client = useQueryClient();
  const key = [...keys.flashSales.detail(id ?? ''), 'live'] as const;
  return useQuery({
    queryKey: key,
    enabled: Boolean(id),
    refetchInterval: everyMs,
    queryFn: async ({ signal }): Promise<LiveSale> => {
      const sale = await api<FlashSale>(`/v1/flash-sales/${encodeURIComponent(id ?? '')}`, { signal });
      const at = Date.now();
      const prev = client.getQueryData<LiveSale>(key);
      const now = taken(sale);
      const before = prev ? taken(prev.sale) : now;
      const seconds = prev ? (at - prev.at) / 1_000 : 0;
      const rates = Object.fromEntries(
        Object.entries(now).map(([sku, n]) => [
          sku,
          seconds > 0 ? Math.max(0, (n - (before[sku] ?? n)) / seconds) : 0,
        ]),
      );
      return { sale, at, rates };
    },
  });
}
