import { Link } from 'react-router';
import type { Money } from '@/api/types';
import { Price } from './Price';

export interface CardProduct {
  id: string;
  slug: string;
  title: string;
  brand: string;
  price: Money;
  inStock: boolean;
  image: string | null;
}

export function ProductCard({ product }: { product: CardProduct }) {
  return (
    <li className="card">
      <Link to={`/products/${product.slug}`} className="card-link">
        {product.image ? (
          <img src={product.image} alt={product.title} loading="lazy" width="320" height="240" />
        ) : (
          <div className="card-placeholder" aria-hidden="true">
            {product.brand.slice(0, 1)}
          </div>
        )}
        <span className="card-brand">{product.brand}</span>
        <span className="card-title">{product.title}</span>
        <Price money={product.price} />
        {!product.inStock && <span className="badge">Out of stock</span>}
      </Link>
    </li>
  );
}

export function ProductGrid({ products, label }: { products: CardProduct[]; label: string }) {
  if (products.length === 0) return <p className="empty">No products match.</p>;
  return (
    <ul className="grid" aria-label={label}>
      {products.map((p) => (
        <ProductCard key={p.id} product={p} />
      ))}
    </ul>
  );
}
