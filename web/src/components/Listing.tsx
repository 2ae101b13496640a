import { useId, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { flattenCategories, useCategories } from '@/api/catalog';
import { searchQuery } from '@/api/paths';
import { useSearch } from '@/api/search';
import { Facets } from './Facets';
import { ProductGrid } from './ProductCard';
import { ErrorNotice, Loading } from './Status';
import { hitCard } from './toCard';

const FILTERS = ['brand', 'categoryId', 'inStock'];

const SORTS = [
  ['relevance', 'Best match'],
  ['newest', 'Newest'],
  ['price_asc', 'Price: low to high'],
  ['price_desc', 'Price: high to low'],
] as const;

/**
 * Search results with facets, sort and pages, all read from and written to the URL so a result
 * can be shared, reloaded and navigated back to. `fixed` parameters (a category page's category)
 * are not shown as choices.
 */
export function Listing({ title, fixed = {} }: { title: string; fixed?: Record<string, string> }) {
  const [params, setParams] = useSearchParams();
  const sortId = useId();
  const query = useMemo(() => searchQuery(params, fixed), [params, fixed]);
  const results = useSearch(query);
  const [wide] = useState(() => window.matchMedia('(min-width: 48rem)').matches);
  const active =
    FILTERS.filter((k) => params.has(k)).length + (params.has('minPrice') || params.has('maxPrice') ? 1 : 0);
  const categories = useCategories();
  const names = useMemo(
    () => new Map(flattenCategories(categories.data ?? []).map((c) => [c.id, c.name])),
    [categories.data],
  );

  const change = (changes: Record<string, string | null>) => {
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      for (const [k, v] of Object.entries(changes)) {
        if (v === null || v === '') next.delete(k);
        else next.set(k, v);
      }
      if (!('cursor' in changes)) next.delete('cursor');
      return next;
    });
  };

  const data = results.data;
  const currency = data?.items[0]?.price.currency ?? 'USD';
  return (
    <div className="with-sidebar">
      <aside className="sidebar" aria-label="Filters">
        {/* Folded on phones, so results come first; open on wide screens. */}
        <details className="filters-panel" open={wide}>
          <summary>
            <h2>Filters{active > 0 ? ` (${active})` : ''}</h2>
          </summary>
          {data && (
            <Facets
              facets={data.facets}
              params={params}
              currency={currency}
              categoryName={(id) => names.get(id) ?? 'Category'}
              onChange={change}
              showCategories={!fixed.categoryId}
            />
          )}
        </details>
      </aside>
      <section aria-labelledby="listing-heading" aria-busy={results.isFetching}>
        <div className="listing-head">
          <h1 id="listing-heading">{title}</h1>
          <div className="field inline">
            <label htmlFor={sortId}>Sort by</label>
            <select
              id={sortId}
              value={params.get('sort') ?? (query.q ? 'relevance' : 'newest')}
              onChange={(e) => change({ sort: e.target.value })}
            >
              {SORTS.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
        </div>
        {results.isPending && <Loading label="Searching…" />}
        <ErrorNotice error={results.error} onRetry={() => void results.refetch()} />
        {data && (
          <>
            <p className="result-count" aria-live="polite">
              {data.total === 1 ? '1 product' : `${data.total} products`}
            </p>
            <ProductGrid label={title} products={data.items.map(hitCard)} />
            <nav className="pager" aria-label="Pages">
              {params.get('cursor') && <Link to={`?${withoutCursor(params)}`}>First page</Link>}
              {data.nextCursor && (
                <button
                  type="button"
                  className="secondary"
                  onClick={() => change({ cursor: data.nextCursor })}
                >
                  Next page
                </button>
              )}
            </nav>
          </>
        )}
      </section>
    </div>
  );
}

function withoutCursor(params: URLSearchParams): string {
  const next = new URLSearchParams(params);
  next.delete('cursor');
  return next.toString();
}
