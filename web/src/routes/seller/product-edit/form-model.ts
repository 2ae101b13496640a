import type { Product, ProductInput, VariantInput } from '@/api/types';
import { currencyDigits, parseMoney } from '@/components/Price';

export interface VariantRow {
  sku: string;
  title: string;
  price: string;
  stock: string;
  attributes: string;
}

export interface ProductForm {
  title: string;
  brand: string;
  categoryId: string;
  description: string;
  currency: string;
  images: string;
  attributes: string;
  variants: VariantRow[];
}

export const emptyVariant = (): VariantRow => ({ sku: '', title: '', price: '', stock: '0', attributes: '' });

export const emptyForm = (): ProductForm => ({
  title: '',
  brand: '',
  categoryId: '',
  description: '',
  currency: 'USD',
  images: '',
  attributes: '',
  variants: [emptyVariant()],
});

/** "19.99" USD → 1999. Throws a message for a person when it is not a price. */
export function toMinor(text: string, currency: string): number {
  const minor = parseMoney(text, currency);
  if (minor === null) throw new Error(`“${text}” is not a price in ${currency}`);
  return minor;
}

export function fromMinor(amount: number, currency: string): string {
  const digits = currencyDigits(currency);
  return digits === 0 ? String(amount) : (amount / 10 ** digits).toFixed(digits);
}

/** "color=red, size=M" ↔ {color: 'red', size: 'M'} */
export function parseAttributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(/[,\n]/)) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
    else if (part.trim()) throw new Error(`“${part.trim()}” should be written name=value`);
  }
  return out;
}

export const formatAttributes = (a: Record<string, string>) =>
  Object.entries(a)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

export function formFromProduct(p: Product): ProductForm {
  const currency = p.price.currency;
  return {
    title: p.title,
    brand: p.brand,
    categoryId: p.categoryId,
    description: p.description,
    currency,
    images: p.images.join('\n'),
    attributes: formatAttributes(p.attributes),
    variants: p.variants.map((v) => ({
      sku: v.sku,
      title: v.title,
      price: fromMinor(v.price.amount, currency),
      stock: '',
      attributes: formatAttributes(v.attributes),
    })),
  };
}

/** The request body for the form; `withStock` only on creation (stock changes go through inventory). */
export function productBody(f: ProductForm, status: 'draft' | 'published', withStock: boolean): ProductInput {
  const currency = f.currency.trim().toUpperCase();
  const variants: VariantInput[] = f.variants.map((v) => ({
    sku: v.sku.trim(),
    title: v.title.trim() || f.title.trim(),
    price: { amount: toMinor(v.price, currency), currency },
    attributes: parseAttributes(v.attributes),
    ...(withStock && v.stock.trim() ? { initialStock: Number.parseInt(v.stock, 10) || 0 } : {}),
  }));
  return {
    title: f.title.trim(),
    brand: f.brand.trim(),
    categoryId: f.categoryId,
    description: f.description,
    attributes: parseAttributes(f.attributes),
    images: f.images
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((url) => {
        if (!/^https?:\/\/\S+$/.test(url)) throw new Error(`“${url}” is not a web address (https://…)`);
        return url;
      }),
    status,
    variants,
  };
}
