import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, withQuery } from './client';
import { keys } from './keys';
import type { SearchResult } from './types';

/** The search parameters the page keeps in its URL, passed to GET /v1/search as they are. */
export const SEARCH_PARAMS = [
  'q',
  'categoryId',
  'brand',
  'minPrice',
  'maxPrice',
  'inStock',
  'sort',
  'cursor',
];

export function useSearch(query: Record<string, string>) {
  return useQuery({
    queryKey: keys.search.results(query),
    queryFn: ({ signal }) => api<SearchResult>(withQuery('/v1/search', { limit: 24, ...query }), { signal }),
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
