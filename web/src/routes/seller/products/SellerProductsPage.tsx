import { useId } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useUpdateProduct } from '@/api/catalog';
import { useSellerProducts } from '@/api/seller';
import type { Product, ProductStatus } from '@/api/types';
import { AreaNav } from '@/components/AreaNav';
import { Price } from '@/components/Price';
import { ErrorNotice, Loading } from '@/components/Status';
import { useDocumentTitle } from '@/components/useDocumentTitle';

const STATUSES: ProductStatus[] = ['draft', 'published', 'archived'];

function Row({ product }: { product: Product }) {
  const update = useUpdateProduct();
  const publish = product.status !== 'published';
  const units = product.variants.length;
  return (
    <tr>
      <td>
        {product.status === 'published' ? (
          <Link to={`/products/${product.slug}`}>{product.title}</Link>
        ) : (
          product.title
        )}
        <ErrorNotice error={update.error} />
      </td>
      <td>
        <span className={`badge status-${product.status}`}>{product.status}</span>
      </td>
      <td>
        <Price money={product.price} />
      </td>
      <td>{units === 1 ? '1 variant' : `${units} variants`}</td>
      <td className="actions">
        <Link to={`/seller/products/${product.id}/edit`} aria-label={`Edit ${product.title}`}>
          Edit
        </Link>
        <Link
          to={`/seller/stock?sku=${encodeURIComponent(product.variants[0]?.sku ?? '')}`}
          aria-label={`Stock of ${product.title}`}
        >
          Stock
        </Link>
        <button
          type="button"
          className="secondary"
          disabled={update.isPending}
          onClick={() => update.mutate({ id: product.id, body: { status: publish ? 'published' : 'draft' } })}
          aria-label={`${publish ? 'Publish' : 'Unpublish'} ${product.title}`}
        >
          {publish ? 'Publish' : 'Unpublish'}
        </button>
      </td>
    </tr>
  );
}

/** The seller's products in every status, drafts included. */
export default function SellerProductsPage() {
  useDocumentTitle('Your products');
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') as ProductStatus | null) ?? undefined;
  const cursor = params.get('cursor') ?? undefined;
  const products = useSellerProducts({ status, cursor });
  const statusId = useId();
  return (
    <section>
      <AreaNav area="seller" />
      <div className="listing-head">
        <h1>Your products</h1>
        <Link to="/seller/products/new" className="button">
          New product
        </Link>
      </div>
      <div className="filters">
        <div className="field inline">
          <label htmlFor={statusId}>Status</label>
          <select
            id={statusId}
            value={status ?? ''}
            onChange={(e) => setParams(e.target.value ? { status: e.target.value } : {})}
          >
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
      </div>
      {products.isPending && <Loading label="Loading your products…" />}
      <ErrorNotice error={products.error} onRetry={() => void products.refetch()} />
      {products.data && products.data.items.length === 0 && <p className="empty">No products yet.</p>}
      {products.data && products.data.items.length > 0 && (
        <div className="table-scroll">
          <table className="responsive">
            <caption className="visually-hidden">Your products</caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Status</th>
                <th scope="col">From</th>
                <th scope="col">Variants</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {products.data.items.map((p) => (
                <Row key={p.id} product={p} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager" aria-label="Pages">
        {cursor && (
          <button type="button" className="secondary" onClick={() => setParams(status ? { status } : {})}>
            First page
          </button>
        )}
        {products.data?.nextCursor && (
          <button
            type="button"
            className="secondary"
            onClick={() =>
              setParams({ ...(status ? { status } : {}), cursor: products.data.nextCursor ?? '' })
            }
          >
            Next page
          </button>
        )}
      </nav>
    </section>
  );
}
