import type { PricedLine } from './lines.js';
import type { Cart, CartItem } from './schemas.js';
import type { CartRow } from './tables.js';
import type { Totals } from './totals.js';

/** At or below this many units a line shows `low_stock` (the catalog's threshold). */
const LOW_STOCK = 5;

function availabilityOf(units: number): CartItem['availability'] {
  if (units <= 0) return 'out_of_stock';
  return units <= LOW_STOCK ? 'low_stock' : 'in_stock';
}

export function presentItem(line: PricedLine, currency: string, available: number): CartItem {
  const { item, variant } = line;
  const money = (amount: number | null) => (amount === null ? null : { amount, currency });
  const held = item.hold_id !== null;
  const units = held ? (line.issue === 'hold_expired' ? 0 : item.quantity) : available;
  return {
    id: item.id,
    sku: item.sku,
    quantity: item.quantity,
    productId: variant?.productId ?? null,
    productTitle: variant?.productTitle ?? null,
    variantTitle: variant?.variantTitle ?? null,
    slug: variant?.slug ?? null,
    image: variant?.image ?? null,
    unitPrice: money(line.unitPrice),
    listPrice: money(line.listPrice),
    lineTotal: money(line.unitPrice === null ? null : line.unitPrice * item.quantity),
    held,
    holdExpiresAt: item.hold_expires_at?.toISOString() ?? null,
    availability: availabilityOf(units),
    available: units,
    issue: line.issue,
  };
}

export function presentCart(
  cart: CartRow,
  items: CartItem[],
  totals: Totals,
  tax: { country: string; rate: number; ships: boolean },
): Cart {
  return {
    id: cart.id,
    status: cart.status,
    guest: cart.user_id === null,
    currency: cart.currency,
    items,
    itemCount: items.reduce((n, i) => n + i.quantity, 0),
    totals: { ...totals, country: tax.country, taxRate: tax.rate, shippingAvailable: tax.ships },
    expiresAt: cart.expires_at.toISOString(),
    createdAt: cart.created_at.toISOString(),
    updatedAt: cart.updated_at.toISOString(),
  };
}
