import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '@/api/client';
import { categoryTrail, useCategories, useProduct } from '@/api/catalog';
import type { Availability, FlashSaleOffer, Variant } from '@/api/types';
import { Countdown } from '@/components/Countdown';
import { Price } from '@/components/Price';
import { ErrorNotice, Loading } from '@/components/Status';
import { useDocumentTitle } from '@/components/useDocumentTitle';
import { AddToCart } from './AddToCart';
import { AlsoBought } from './AlsoBought';

const AVAILABILITY: Record<Availability, string> = {
  in_stock: 'In stock',
  low_stock: 'Only a few left',
  out_of_stock: 'Out of stock',
};

/** A running flash sale's offer on a variant (reserved on the sale's page, at the sale price). */
function SaleOffer({ offer }: { offer: FlashSaleOffer }) {
  return (
    <div className="sale-offer">
      <p>
        <span className="badge sale">Flash sale</span>{' '}
        <Price money={offer.salePrice} className="price big sale" />
      </p>
      <p>
        {offer.remaining} left · <Countdown to={offer.endsAt} label="ends in" />
      </p>
      <Link to={`/flash-sales/${offer.saleId}`} className="button">
        Reserve at the sale price
      </Link>
    </div>
  );
}

/** A running flash sale's offer on the variant (the field is there only while one runs). */
function offerOf(v: Variant | undefined): FlashSaleOffer | undefined {
  return v && 'flashSale' in v ? v.flashSale : undefined;
}

export function ProductPage() {
  const { slug } = useParams();
  const product = useProduct(slug);
  const categories = useCategories();
  const [variantId, setVariantId] = useState<string | null>(null);
  useDocumentTitle(product.data?.title);

  if (product.isPending) return <Loading label="Loading product…" />;
  if (product.error instanceof ApiError && product.error.status === 404)
    return (
      <section>
        <h1>Product not found</h1>
        <ErrorNotice error={product.error} />
        <p>
          <Link to="/search">Browse all products</Link>
        </p>
      </section>
    );
  if (product.error) return <ErrorNotice error={product.error} onRetry={() => void product.refetch()} />;
  const p = product.data;
  const variant = p.variants.find((v) => v.id === variantId) ?? p.variants[0];
  const trail = categoryTrail(categories.data ?? [], p.categoryId);
  const attributes = { ...p.attributes, ...variant?.attributes };
  const offer = offerOf(variant);

  return (
    <article className="product" aria-labelledby="product-title">
      {trail.length > 0 && (
        <nav aria-label="Breadcrumb" className="breadcrumb">
          <ol>
            <li>
              <Link to="/">Shop</Link>
            </li>
            {trail.map((c) => (
              <li key={c.id}>
                <Link to={`/categories/${c.slug}`}>{c.name}</Link>
              </li>
            ))}
          </ol>
        </nav>
      )}
      <div className="product-layout">
        <div className="gallery">
          {p.images.length > 0 ? (
            p.images.map((src, i) => (
              <img
                key={src}
                src={src}
                alt={i === 0 ? p.title : `${p.title}, picture ${i + 1}`}
                width="640"
                height="480"
              />
            ))
          ) : (
            <div className="card-placeholder large" aria-hidden="true">
              {p.brand.slice(0, 1)}
            </div>
          )}
        </div>
        <div className="buy-box">
          <p className="card-brand">{p.brand}</p>
          <h1 id="product-title">{p.title}</h1>
          {variant && <Price money={variant.price} className="price big" />}
          {variant && (
            <p className={`availability ${variant.availability}`} aria-live="polite">
              {AVAILABILITY[variant.availability]}
            </p>
          )}
          {p.variants.length > 1 && (
            <fieldset className="variants">
              <legend>Choose an option</legend>
              {p.variants.map((v) => (
                <label key={v.id} className={v.id === variant?.id ? 'variant selected' : 'variant'}>
                  <input
                    type="radio"
                    name="variant"
                    value={v.id}
                    checked={v.id === variant?.id}
                    onChange={() => setVariantId(v.id)}
                  />
                  <span>{v.title}</span>
                  <Price money={v.price} />
                  {v.availability === 'out_of_stock' && <span className="badge">Out of stock</span>}
                </label>
              ))}
            </fieldset>
          )}
          {offer && <SaleOffer offer={offer} />}
          {variant && <AddToCart key={variant.id} variant={variant} />}
          {variant && <p className="sku">SKU {variant.sku}</p>}
          {Object.keys(attributes).length > 0 && (
            <dl className="attributes">
              {Object.entries(attributes).map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{v}</dd>
                </div>
              ))}
            </dl>
          )}
        </div>
      </div>
      {p.description && (
        <section aria-labelledby="description-heading" className="description">
          <h2 id="description-heading">Description</h2>
          <p>{p.description}</p>
        </section>
      )}
      <AlsoBought slug={slug ?? p.slug} />
    </article>
  );
}
