import { useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { categoryTrail, flattenCategories, useCategories } from '@/api/catalog';
import { Listing } from '@/components/Listing';
import { ErrorNotice, Loading } from '@/components/Status';
import { useDocumentTitle } from '@/components/useDocumentTitle';
import NotFoundPage from '../not-found/NotFoundPage';

export default function CategoryPage() {
  const { slug } = useParams();
  const categories = useCategories();
  const category = useMemo(
    () => flattenCategories(categories.data ?? []).find((c) => c.slug === slug),
    [categories.data, slug],
  );
  const fixed = useMemo((): Record<string, string> => {
    return category ? { categoryId: category.id } : {};
  }, [category]);
  useDocumentTitle(category?.name);
  if (categories.isPending) return <Loading />;
  if (categories.error)
    return <ErrorNotice error={categories.error} onRetry={() => void categories.refetch()} />;
  if (!category) return <NotFoundPage />;
  const trail = categoryTrail(categories.data ?? [], category.id);
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <ol>
          <li>
            <Link to="/">Shop</Link>
          </li>
          {trail.map((c) => (
            <li key={c.id}>
              {c.id === category.id ? (
                <span aria-current="page">{c.name}</span>
              ) : (
                <Link to={`/categories/${c.slug}`}>{c.name}</Link>
              )}
            </li>
          ))}
        </ol>
      </nav>
      {category.children.length > 0 && (
        <ul className="chips" aria-label="Subcategories">
          {category.children.map((c) => (
            <li key={c.id}>
              <Link to={`/categories/${c.slug}`}>{c.name}</Link>
            </li>
          ))}
        </ul>
      )}
      <Listing title={category.name} fixed={fixed} />
    </>
  );
}
