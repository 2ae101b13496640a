import { useId } from 'react';
import type { PriceBucket, SearchResult } from '@/api/types';
import { formatMoney } from './Price';

export interface FacetsProps {
  facets: SearchResult['facets'];
  params: URLSearchParams;
  currency: string;
  categoryName: (id: string) => string;
  /** Sets (or with null, clears) URL parameters; resets pagination. */
  onChange: (changes: Record<string, string | null>) => void;
  showCategories: boolean;
}

function priceLabel(b: PriceBucket, currency: string): string {
  const fmt = (amount: number) => formatMoney({ amount, currency });
  if (b.from === undefined && b.to !== undefined) return `Under ${fmt(b.to)}`;
  if (b.to === undefined && b.from !== undefined) return `${fmt(b.from)} and up`;
  return `${fmt(b.from ?? 0)} – ${fmt(b.to ?? 0)}`;
}

/** Buckets are [from, to): the API's maxPrice is inclusive, so it is one minor unit below `to`. */
function priceRange(b: PriceBucket) {
  return {
    minPrice: b.from !== undefined ? String(b.from) : null,
    maxPrice: b.to !== undefined ? String(b.to - 1) : null,
  };
}

function FacetGroup({ title, children }: { title: string; children: React.ReactNode }) {
  const id = useId();
  return (
    <fieldset className="facet" aria-labelledby={id}>
      <legend id={id}>{title}</legend>
      {children}
    </fieldset>
  );
}

/** Brand, category and price filters with their counts; each choice is a URL parameter. */
export function Facets({ facets, params, currency, categoryName, onChange, showCategories }: FacetsProps) {
  const brand = params.get('brand');
  const category = params.get('categoryId');
  const minPrice = params.get('minPrice');
  const maxPrice = params.get('maxPrice');
  return (
    <div className="facets">
      <FacetGroup title="Brand">
        {facets.brand.length === 0 && <p className="empty">No brands</p>}
        {facets.brand.map((f) => (
          <label key={f.value} className="check">
            <input
              type="checkbox"
              checked={brand === f.value}
              onChange={(e) => onChange({ brand: e.target.checked ? f.value : null })}
            />
            {f.value} <span className="count">({f.count})</span>
          </label>
        ))}
      </FacetGroup>
      {showCategories && (
        <FacetGroup title="Category">
          {facets.categoryId.map((f) => (
            <label key={f.value} className="check">
              <input
                type="checkbox"
                checked={category === f.value}
                onChange={(e) => onChange({ categoryId: e.target.checked ? f.value : null })}
              />
              {categoryName(f.value)} <span className="count">({f.count})</span>
            </label>
          ))}
        </FacetGroup>
      )}
      <FacetGroup title="Price">
        {facets.price.map((b) => {
          const range = priceRange(b);
          const checked = minPrice === range.minPrice && maxPrice === range.maxPrice;
          return (
            <label key={`${b.from}-${b.to}`} className="check">
              <input
                type="checkbox"
                checked={checked}
                onChange={(e) => onChange(e.target.checked ? range : { minPrice: null, maxPrice: null })}
              />
              {priceLabel(b, currency)} <span className="count">({b.count})</span>
            </label>
          );
        })}
      </FacetGroup>
      <label className="check">
        <input
          type="checkbox"
          checked={params.get('inStock') === 'true'}
          onChange={(e) => onChange({ inStock: e.target.checked ? 'true' : null })}
        />
        In stock only
      </label>
    </div>
  );
}
