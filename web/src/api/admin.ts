import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, withQuery } from './client';
import { keys } from './keys';
import type { FeatureFlag, FlagPage, SalesReport } from './types';

export function useFlags() {
  return useQuery({
    queryKey: keys.admin.flags,
    queryFn: ({ signal }) => api<FlagPage>('/v1/admin/feature-flags?limit=100', { signal }),
  });
}

export function usePutFlag() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ key, enabled, description }: { key: string; enabled: boolean; description?: string }) =>
      api<FeatureFlag>(`/v1/admin/feature-flags/${encodeURIComponent(key)}`, {
        method: 'PUT',
        body: description === undefined ? { enabled } : { enabled, description },
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.admin.flags }),
  });
}

/** Sales of the last `rangeMs` up to now (taken when the report is read), in hour or day buckets. */
export function useSalesReport(rangeMs: number, interval: 'hour' | 'day') {
  return useQuery({
    queryKey: keys.admin.sales({ rangeMs: String(rangeMs), interval }),
    queryFn: ({ signal }) => {
      const to = Date.now();
      const from = new Date(to - rangeMs).toISOString();
      return api<SalesReport>(
        withQuery('/v1/admin/analytics/sales', { from, to: new Date(to).toISOString(), interval, top: 10 }),
        { signal },
      );
    },
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
}
