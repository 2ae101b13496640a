import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, withQuery } from './client';
import { keys } from './keys';
import type { ImportStatus, InventoryLevel, Movement, Page, Product, SellerProductQuery } from './types';

/** The seller's own products in every status (drafts included), newest first. */
export function useSellerProducts(query: SellerProductQuery) {
  const q = { status: query.status, cursor: query.cursor, limit: query.limit ?? 50 };
  return useQuery({
    queryKey: keys.seller.products({ status: q.status, cursor: q.cursor, limit: String(q.limit) }),
    queryFn: ({ signal }) => api<Page<Product>>(withQuery('/v1/seller/products', q), { signal }),
    placeholderData: keepPreviousData,
  });
}

export function useInventory(sku: string) {
  return useQuery({
    queryKey: keys.seller.inventory(sku),
    queryFn: ({ signal }) => api<InventoryLevel>(`/v1/inventory/${encodeURIComponent(sku)}`, { signal }),
  });
}

export function useMovements(sku: string, cursor: string | undefined) {
  return useQuery({
    queryKey: keys.seller.movements(sku, cursor),
    queryFn: ({ signal }) =>
      api<Page<Movement>>(
        withQuery(`/v1/inventory/${encodeURIComponent(sku)}/movements`, { limit: 20, cursor }),
        {
          signal,
        },
      ),
    placeholderData: keepPreviousData,
  });
}

function useStockChange<V>(sku: string, fn: (v: V) => Promise<unknown>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: keys.seller.inventory(sku) });
      await client.invalidateQueries({ queryKey: ['seller', 'movements', sku] });
      await client.invalidateQueries({ queryKey: ['seller', 'products'] });
      await client.invalidateQueries({ queryKey: keys.products.all });
    },
  });
}

export function useAdjustStock(sku: string) {
  return useStockChange(sku, (body: { delta: number; reason: string; locationId?: string }) =>
    api<{ movement: Movement; inventory: InventoryLevel }>(
      `/v1/inventory/${encodeURIComponent(sku)}/adjustments`,
      {
        method: 'POST',
        body,
      },
    ),
  );
}

export function useSetThreshold(sku: string) {
  return useStockChange(sku, (lowStockThreshold: number) =>
    api<InventoryLevel>(`/v1/inventory/${encodeURIComponent(sku)}/threshold`, {
      method: 'PUT',
      body: { lowStockThreshold },
    }),
  );
}

export function useStartImport() {
  return useMutation({
    mutationFn: (file: Blob) =>
      api<{ importId: string }>('/v1/catalog/imports', {
        method: 'POST',
        raw: file,
        contentType: 'text/csv',
      }),
  });
}

/** An import's progress, read every second until it has finished. */
export function useImportStatus(id: string | null) {
  const client = useQueryClient();
  return useQuery({
    queryKey: keys.seller.import(id ?? ''),
    enabled: Boolean(id),
    queryFn: async ({ signal }) => {
      const status = await api<ImportStatus>(`/v1/catalog/imports/${id}`, { signal });
      if (status.status === 'completed' || status.status === 'failed')
        void client.invalidateQueries({ queryKey: ['seller', 'products'] });
      return status;
    },
    refetchInterval: (q) =>
      q.state.data && ['completed', 'failed'].includes(q.state.data.status) ? false : 1_000,
  });
}
