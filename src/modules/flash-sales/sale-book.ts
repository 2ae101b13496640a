import type { AnyDb } from '../../platform/db.js';
import type { Money } from './events.js';
import * as repo from './repository.js';
import type { ItemRow, SaleRow, SaleState } from './tables.js';

export interface LiveItem {
  sku: string;
  productId: string;
  salePrice: Money;
  quantity: number;
  remaining: number;
  perCustomerLimit: number;
}

export interface LiveSale {
  id: string;
  name: string;
  state: SaleState;
  startsAt: Date;
  endsAt: Date;
  items: Map<string, LiveItem>;
}

/** What a product page or a search result shows of a running sale. */
export interface SaleOffer {
  saleId: string;
  salePrice: Money;
  remaining: number;
  endsAt: string;
}

const MISS_TTL_MS = 1_000;

/**
 * The sales this process keeps in memory: those running, coming, or just ended. The hot path reads
 * a sale's state and an item's limit here (no database round trip); product pages read offers.
 * Refreshed from the database periodically and after this process changes a sale.
 */
export class SaleBook {
  private sales = new Map<string, LiveSale>();
  private bySku = new Map<string, { sale: LiveSale; item: LiveItem }[]>();
  private byProduct = new Map<string, string[]>();
  private readonly misses = new Map<string, number>();
  private readonly loading = new Map<string, Promise<LiveSale | null>>();

  /** `switchedOn(saleId)`: the admin's flags leave the sale on (a switched-off sale offers nothing). */
  constructor(
    private readonly db: AnyDb,
    private readonly switchedOn: (saleId: string) => boolean = () => true,
  ) {}

  /** Reloads every live sale (two queries). */
  async refresh(): Promise<void> {
    const rows = await repo.liveSales(this.db);
    const items = await repo.itemsOf(
      this.db,
      rows.map((r) => r.id),
    );
    const sales = new Map<string, LiveSale>();
    for (const row of rows) sales.set(row.id, liveOf(row, items.get(row.id) ?? []));
    this.sales = sales;
    this.index();
  }

  /** Reloads one sale (after this process changed it). */
  async reload(id: string): Promise<LiveSale | null> {
    const row = await repo.findSale(this.db, id);
    if (!row) {
      this.sales.delete(id);
      this.index();
      return null;
    }
    const items = await repo.itemsOf(this.db, [id]);
    const sale = liveOf(row, items.get(id) ?? []);
    this.sales.set(id, sale);
    this.index();
    return sale;
  }

  /** From memory only: the hot path's look-up, without a promise when the sale is known. */
  peek(id: string): LiveSale | undefined {
    return this.sales.get(id);
  }

  /** From memory; a sale not in memory is loaded once (and a missing one remembered for a second). */
  async get(id: string): Promise<LiveSale | null> {
    const hit = this.sales.get(id);
    if (hit) return hit;
    const missAt = this.misses.get(id);
    if (missAt !== undefined && Date.now() - missAt < MISS_TTL_MS) return null;
    let p = this.loading.get(id);
    if (!p) {
      p = this.reload(id).finally(() => this.loading.delete(id));
      this.loading.set(id, p);
    }
    const sale = await p;
    if (!sale) {
      if (this.misses.size > 10_000) this.misses.clear();
      this.misses.set(id, Date.now());
    }
    return sale;
  }

  /** Sales kept in memory that take (or may soon take) reservations. */
  open(): LiveSale[] {
    return [...this.sales.values()].filter((s) => s.state === 'active' || s.state === 'sold_out');
  }

  /** Records an item's count learnt from the database (a batch's answer). */
  setRemaining(saleId: string, sku: string, remaining: number): void {
    const item = this.sales.get(saleId)?.items.get(sku);
    if (item) item.remaining = remaining;
  }

  /** Offers of sales running now, and not switched off, for these SKUs (memory only). */
  offersFor(skus: readonly string[], now = Date.now()): Map<string, SaleOffer> {
    const out = new Map<string, SaleOffer>();
    if (!this.bySku.size) return out;
    for (const sku of skus) {
      for (const { sale, item } of this.bySku.get(sku) ?? []) {
        if (!this.running(sale, now)) continue;
        const best = out.get(sku);
        if (!best || item.salePrice.amount < best.salePrice.amount)
          out.set(sku, {
            saleId: sale.id,
            salePrice: item.salePrice,
            remaining: item.remaining,
            endsAt: sale.endsAt.toISOString(),
          });
      }
    }
    return out;
  }

  /** Whether any sale could be running now (a cheap test before looking at an answer). */
  anyRunning(now = Date.now()): boolean {
    for (const sale of this.sales.values()) if (this.running(sale, now)) return true;
    return false;
  }

  /** Started, not ended, and not switched off by a flag: what pages may show a sale price for. */
  private running(sale: LiveSale, now: number): boolean {
    return (
      (sale.state === 'active' || sale.state === 'sold_out') &&
      sale.startsAt.getTime() <= now &&
      sale.endsAt.getTime() > now &&
      this.switchedOn(sale.id)
    );
  }

  /** The lowest running offer per product, for these products (memory only). */
  offersForProducts(productIds: readonly string[], now = Date.now()): Map<string, SaleOffer> {
    const out = new Map<string, SaleOffer>();
    for (const id of productIds) {
      const skus = this.byProduct.get(id);
      if (!skus) continue;
      let best: SaleOffer | undefined;
      for (const offer of this.offersFor(skus, now).values())
        if (!best || offer.salePrice.amount < best.salePrice.amount) best = offer;
      if (best) out.set(id, best);
    }
    return out;
  }

  private index(): void {
    const bySku = new Map<string, { sale: LiveSale; item: LiveItem }[]>();
    const byProduct = new Map<string, string[]>();
    for (const sale of this.sales.values()) {
      if (sale.state === 'ended') continue;
      for (const item of sale.items.values()) {
        const list = bySku.get(item.sku) ?? [];
        list.push({ sale, item });
        bySku.set(item.sku, list);
        const skus = byProduct.get(item.productId) ?? [];
        if (!skus.includes(item.sku)) skus.push(item.sku);
        byProduct.set(item.productId, skus);
      }
    }
    this.bySku = bySku;
    this.byProduct = byProduct;
  }
}

function liveOf(row: SaleRow, items: ItemRow[]): LiveSale {
  return {
    id: row.id,
    name: row.name,
    state: row.state,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    items: new Map(
      items.map((i) => [
        i.sku,
        {
          sku: i.sku,
          productId: i.product_id,
          salePrice: { amount: Number(i.sale_price), currency: i.currency.trim() },
          quantity: i.quantity,
          remaining: i.remaining,
          perCustomerLimit: i.per_customer_limit,
        },
      ]),
    ),
  };
}
