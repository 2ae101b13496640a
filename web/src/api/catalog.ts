import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, arrivedData } from './client';
import { keys } from './keys';
import { reads } from './paths';
import type {
  CategoryNode,
  Page,
  Product,
  ProductInput,
  ProductPatch,
  ProductQuery,
  Recommendations,
} from './types';

export function useCategories() {
  return useQuery({
    queryKey: keys.categories,
    queryFn: ({ signal }) => api<{ items: CategoryNode[] }>(reads.categories, { signal }),
    ...arrivedData<{ items: CategoryNode[] }>(reads.categories),
    staleTime: 5 * 60_000,
    select: (data) => data.items,
  });
}

export function useProducts(query: ProductQuery, enabled = true) {
  return useQuery({
    queryKey: keys.products.list(query),
    queryFn: ({ signal }) => api<Page<Product>>(reads.products(query), { signal }),
    ...arrivedData<Page<Product>>(reads.products(query)),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useProduct(idOrSlug: string | undefined) {
  return useQuery({
    queryKey: keys.products.detail(idOrSlug ?? ''),
    queryFn: ({ signal }) => api<Product>(reads.product(idOrSlug ?? ''), { signal }),
    ...arrivedData<Product>(reads.product(idOrSlug ?? '')),
    enabled: Boolean(idOrSlug),
  });
}

/**
 * "Customers also bought" for a product page. Kept a minute, as the server keeps it; an answer the
 * server put off (`degraded`) is asked again on the next visit.
 */
export function useRecommendations(idOrSlug: string | undefined) {
  return useQuery({
    queryKey: keys.products.recommendations(idOrSlug ?? ''),
    queryFn: ({ signal }) => api<Recommendations>(reads.recommendations(idOrSlug ?? ''), { signal }),
    ...arrivedData<Recommendations>(reads.recommendations(idOrSlug ?? '')),
    enabled: Boolean(idOrSlug),
    staleTime: (query) => (query.state.data?.degraded ? 0 : 60_000),
  });
}

export function useCreateProduct() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: ProductInput) => api<Product>('/v1/products', { method: 'POST', body }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: keys.products.all });
      await client.invalidateQueries({ queryKey: keys.search.all });
      await client.invalidateQueries({ queryKey: ['seller', 'products'] });
    },
  });
}

export function useUpdateProduct() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: ProductPatch }) =>
      api<Product>(`/v1/products/${id}`, { method: 'PATCH', body }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: keys.products.all });
      await client.invalidateQueries({ queryKey: keys.search.all });
      await client.invalidateQueries({ queryKey: ['seller', 'products'] });
    },
  });
}

/** Finds a category and its ancestors (root first) in the tree. */
export function categoryTrail(tree: CategoryNode[], id: string): CategoryNode[] {
  for (const node of tree) {
    if (node.id === id) return [node];
    const below = categoryTrail(node.children, id);
    if (below.length) return [node, ...below];
  }
  return [];
}

/** Every category of the tree, depth first, for pickers. */
export function flattenCategories(tree: CategoryNode[]): CategoryNode[] {
  return tree.flatMap((node) => [node, ...flattenCategories(node.children)]);
}
