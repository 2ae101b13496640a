import { Link } from 'react-router';
import { useProducts, useUpdateProduct } from '@/api/catalog';
import { useSession } from '@/api/identity';
import type { Product } from '@/api/types';
import { Price } from '@/components/Price';
import { ErrorNotice, Loading } from '@/components/Status';
import { useDocumentTitle } from '@/components/useDocumentTitle';

function Row({ product }: { product: Product }) {
  const update = useUpdateProduct();
  return (
    <tr>
      <td>
        <Link to={`/products/${product.slug}`}>{product.title}</Link>
        <ErrorNotice error={update.error} />
      </td>
      <td>{product.brand}</td>
      <td>
        <Price money={product.price} />
      </td>
      <td>{product.variants.length === 1 ? '1 variant' : `${product.variants.length} variants`}</td>
      <td className="actions">
        <Link to={`/seller/products/${product.id}/edit`} aria-label={`Edit ${product.title}`}>
          Edit
        </Link>
        <button
          type="button"
          className="secondary"
          disabled={update.isPending}
          onClick={() => update.mutate({ id: product.id, body: { status: 'draft' } })}
          aria-label={`Unpublish ${product.title}`}
        >
          Unpublish
        </button>
      </td>
    </tr>
  );
}

/** The seller's published products (drafts are reached from the page that created them). */
export default function SellerProductsPage() {
  useDocumentTitle('Your products');
  const { current } = useSession();
  const products = useProducts({ sellerId: current?.user.id, sort: 'newest', limit: 100 }, Boolean(current));
  return (
    <section>
      <div className="listing-head">
        <h1>Your products</h1>
        <Link to="/seller/products/new" className="button">
          New product
        </Link>
      </div>
      <p className="hint">
        Published products are listed here; a draft stays open in its editor until you publish it.
      </p>
      {products.isPending && <Loading label="Loading your products…" />}
      <ErrorNotice error={products.error} onRetry={() => void products.refetch()} />
      {products.data && products.data.items.length === 0 && (
        <p className="empty">No published products yet.</p>
      )}
      {products.data && products.data.items.length > 0 && (
        <div className="table-scroll">
          <table className="responsive">
            <caption className="visually-hidden">Your published products</caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Brand</th>
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
    </section>
  );
}
