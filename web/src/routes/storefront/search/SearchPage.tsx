import { useSearchParams } from 'react-router';
import { Listing } from '@/components/Listing';
import { useDocumentTitle } from '@/components/useDocumentTitle';

export function SearchPage() {
  const [params] = useSearchParams();
  const q = params.get('q');
  const title = q ? `Results for “${q}”` : 'All products';
  useDocumentTitle(title);
  return <Listing title={title} />;
}
