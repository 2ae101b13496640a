import { useCategories, useProducts } from '@/api/catalog';
import { NEW_ARRIVALS } from '@/api/paths';
import { CategoryTree } from '@/components/CategoryTree';
import { FlashSalesStrip } from '@/components/FlashSales';
import { ProductGrid } from '@/components/ProductCard';
import { ErrorNotice, Loading } from '@/components/Status';
import { productCard } from '@/components/toCard';
import { useDocumentTitle } from '@/components/useDocumentTitle';

export function HomePage() {
  useDocumentTitle('Shop');
  const categories = useCategories();
  const products = useProducts(NEW_ARRIVALS);
  return (
    <div className="with-sidebar">
      <aside className="sidebar">
        <nav aria-labelledby="categories-heading">
          <h2 id="categories-heading">Categories</h2>
          {categories.isPending && <Loading />}
          <ErrorNotice error={categories.error} onRetry={() => void categories.refetch()} />
          {categories.data && categories.data.length === 0 && <p className="empty">No categories yet.</p>}
          {categories.data && <CategoryTree nodes={categories.data} />}
        </nav>
      </aside>
      <div>
        <FlashSalesStrip />
        <section aria-labelledby="new-heading">
          <h1 id="new-heading">New arrivals</h1>
          {products.isPending && <Loading label="Loading products…" />}
          <ErrorNotice error={products.error} onRetry={() => void products.refetch()} />
          {products.data && (
            <ProductGrid label="New arrivals" products={products.data.items.map(productCard)} />
          )}
        </section>
      </div>
    </div>
  );
}
