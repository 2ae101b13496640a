import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, arrivedData, withQuery } from './client';
import { keys } from './keys';
import { reads } from './paths';
import type { SearchResult } from './types';

export function useSearch(query: Record<string, string>) {
  return useQuery({
    queryKey: keys.search.results(query),
    queryFn: ({ signal }) => api<SearchResult>(reads.search(query), { signal }),
    ...arrivedData<SearchResult>(reads.search(query)),
    placeholderData: keepPreviousData,
  });
}

export function useSuggestions(prefix: string) {
  const q = prefix.trim();
  return useQuery({
    queryKey: keys.search.suggest(q),
    queryFn: ({ signal }) => api<{ items: string[] }>(withQuery('/v1/search/suggest', { q }), { signal }),
    enabled: q.length >= 2,
    staleTime: 60_000,
    select: (data) => data.items,
  });
}
