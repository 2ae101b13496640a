import type { SaleState } from './tables.js';

export const FLASH_SALES_SOURCE = '/agora/flash-sales';

export interface Money {
  amount: number;
  currency: string;
}

/** Events the flash-sales module publishes (CloudEvents `type` → `data`). */
export interface FlashSaleEvents {
  'flash_sale.started': {
    saleId: string;
    name: string;
    startsAt: string;
    endsAt: string;
    items: {
      sku: string;
      productId: string;
      sellerId: string;
      salePrice: Money;
      quantity: number;
      /** Units the sale got from stock (less than `quantity` when stock was short). */
      allocated: number;
      perCustomerLimit: number;
    }[];
  };
  'flash_sale.sold_out': { saleId: string; name: string; items: { sku: string; sold: number }[] };
  'flash_sale.ended': {
    saleId: string;
    name: string;
    /** The state it ended from. */
    previousState: SaleState;
    items: { sku: string; quantity: number; allocated: number; sold: number; returnedToStock: number }[];
  };
}

/** Events it consumes. */
export interface ConsumedEvents {
  /** The buyer removed a held line from the cart (published by cart). */
  'cart.hold_dropped': { holdId: string };
}
