import { Link } from 'react-router';
import { useDocumentTitle } from '@/components/useDocumentTitle';

export default function NotFoundPage() {
  useDocumentTitle('Page not found');
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is no page here. <Link to="/">Back to the shop</Link>
      </p>
    </section>
  );
}
