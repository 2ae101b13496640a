export interface RecommendationsTables {
  /** Orders the consumer has seen, and whether they still count (see the migration). */
  'recommendations.orders': {
    order_id: string;
    withdrawn: boolean;
  };
  /** The distinct products of each confirmed order that still counts. */
  'recommendations.order_products': {
    order_id: string;
    product_id: string;
    confirmed_at: Date;
  };
}
