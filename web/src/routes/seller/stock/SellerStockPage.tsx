import { Link, useSearchParams } from 'react-router';
import { useSellerProducts } from '@/api/seller';
import { AreaNav } from '@/components/AreaNav';
import { ErrorNotice, Loading } from '@/components/Status';
import { useDocumentTitle } from '@/components/useDocumentTitle';
import { StockPanel } from './StockPanel';

/** Every SKU of the seller, the ones running low first, and the chosen SKU's stock. */
export default function SellerStockPage() {
  useDocumentTitle('Stock');
  const [params] = useSearchParams();
  const sku = params.get('sku') ?? '';
  const products = useSellerProducts({ limit: 100 });
  const variants = (products.data?.items ?? []).flatMap((p) =>
    p.variants.map((v) => ({ ...v, productTitle: p.title, status: p.status })),
  );
  const low = variants.filter((v) => v.availability !== 'in_stock' && v.status !== 'archived');
  return (
    <section>
      <AreaNav area="seller" />
      <h1>Stock</h1>
      {products.isPending && <Loading />}
      <ErrorNotice error={products.error} onRetry={() => void products.refetch()} />
      <div className="with-sidebar">
        <aside className="sidebar">
          <h2 id="low-heading">Low stock</h2>
          {products.data && low.length === 0 && <p className="empty">Nothing is running low.</p>}
          <ul className="plain" aria-labelledby="low-heading">
            {low.map((v) => (
              <li key={v.sku}>
                <Link to={`?sku=${encodeURIComponent(v.sku)}`}>
                  {v.productTitle} · {v.title}
                </Link>{' '}
                <span className={`badge ${v.availability}`}>
                  {v.availability === 'out_of_stock' ? 'Out of stock' : 'Low'}
                </span>
              </li>
            ))}
          </ul>
          <h2 id="all-heading">All SKUs</h2>
          <ul className="plain" aria-labelledby="all-heading">
            {variants.map((v) => (
              <li key={v.sku}>
                <Link
                  to={`?sku=${encodeURIComponent(v.sku)}`}
                  aria-current={v.sku === sku ? 'true' : undefined}
                >
                  {v.sku}
                </Link>{' '}
                <small className="muted">{v.productTitle}</small>
              </li>
            ))}
          </ul>
        </aside>
        {sku ? (
          <StockPanel key={sku} sku={sku} />
        ) : (
          <p className="hint">Choose a SKU to see and adjust its stock.</p>
        )}
      </div>
    </section>
  );
}
