import { Link } from 'react-router';
import type { CategoryNode } from '@/api/types';

/** The category tree as nested lists of links. */
export function CategoryTree({ nodes }: { nodes: CategoryNode[] }) {
  if (nodes.length === 0) return null;
  return (
    <ul className="tree">
      {nodes.map((n) => (
        <li key={n.id}>
          <Link to={`/categories/${n.slug}`}>{n.name}</Link>
          <CategoryTree nodes={n.children} />
        </li>
      ))}
    </ul>
  );
}
