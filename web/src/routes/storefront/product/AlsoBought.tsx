import { useRecommendations } from '@/api/catalog';
import { ProductGrid } from '@/components/ProductCard';

const HEADINGS = {
  bought_together: 'Customers also bought',
  popular: 'Popular right now',
} as const;

/**
 * "Customers also bought": products bought in the same orders as this one, then best sellers (the
 * heading says which when nothing was bought with it yet). Shows nothing while loading, on an
 * error, or when there is nothing to show: it is an extra, never in the way of the page.
 */
export function AlsoBought({ slug }: { slug: string }) {
  const recommendations = useRecommendations(slug);
  const answer = recommendations.data;
  if (!answer || answer.basis === 'none' || answer.items.length === 0) return null;
  const heading = HEADINGS[answer.basis];
  return (
    <section aria-labelledby="also-bought-heading" className="also-bought">
      <h2 id="also-bought-heading">{heading}</h2>
      <ProductGrid label={heading} products={answer.items} />
    </section>
  );
}
