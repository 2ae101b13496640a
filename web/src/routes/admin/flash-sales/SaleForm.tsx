import { useState, type FormEvent } from 'react';
import { fieldError as errorOf } from '@/api/client';
import { useCreateFlashSale } from '@/api/flash';
import type { FlashSale } from '@/api/types';
import { Field } from '@/components/Field';
import { parseMoney } from '@/components/Price';
import { ErrorNotice } from '@/components/Status';

interface ItemText {
  sku: string;
  price: string;
  quantity: string;
  limit: string;
}
const EMPTY_ITEM: ItemText = { sku: '', price: '', quantity: '10', limit: '1' };

/** `datetime-local` wants local time without a zone: 2026-11-22T14:05. */
function localInput(d: Date): string {
  const shifted = new Date(d.getTime() - d.getTimezoneOffset() * 60_000);
  return shifted.toISOString().slice(0, 16);
}

export function SaleForm({ onCreated }: { onCreated: (sale: FlashSale) => void }) {
  const create = useCreateFlashSale();
  const [name, setName] = useState('');
  const [startsAt, setStartsAt] = useState(() => localInput(new Date()));
  const [endsAt, setEndsAt] = useState(() => localInput(new Date(Date.now() + 3_600_000)));
  const [currency, setCurrency] = useState('USD');
  const [items, setItems] = useState<ItemText[]>([EMPTY_ITEM]);
  const [problem, setProblem] = useState<string | null>(null);

  const fieldError = (field: string) => errorOf(create.error, field);
  const setItem = (i: number, patch: Partial<ItemText>) =>
    setItems(items.map((it, j) => (j === i ? { ...it, ...patch } : it)));

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const code = currency.trim().toUpperCase();
    const bad = items.findIndex((it) => parseMoney(it.price, code) === null);
    if (bad >= 0) {
      setProblem(`Sale price of item ${bad + 1} is not a price in ${code} (e.g. 19.99).`);
      return;
    }
    setProblem(null);
    create.mutate(
      {
        name: name.trim(),
        // "now" set a minute ago is still now: a start in the past starts the sale at once
        startsAt: new Date(startsAt).toISOString(),
        endsAt: new Date(endsAt).toISOString(),
        items: items.map((it) => ({
          sku: it.sku.trim(),
          salePrice: { amount: parseMoney(it.price, code) ?? 0, currency: code },
          quantity: Number(it.quantity),
          perCustomerLimit: Number(it.limit),
        })),
      },
      { onSuccess: onCreated },
    );
  };

  return (
    <form className="form wide" onSubmit={onSubmit} aria-labelledby="new-sale-heading">
      <h2 id="new-sale-heading">New flash sale</h2>
      <Field
        label="Name"
        required
        maxLength={200}
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={fieldError('name')}
      />
      <div className="columns">
        <Field
          label="Starts at"
          type="datetime-local"
          required
          value={startsAt}
          onChange={(e) => setStartsAt(e.target.value)}
          error={fieldError('startsAt')}
        />
        <Field
          label="Ends at"
          type="datetime-local"
          required
          value={endsAt}
          onChange={(e) => setEndsAt(e.target.value)}
          error={fieldError('endsAt')}
        />
      </div>
      <Field
        label="Currency"
        required
        maxLength={3}
        value={currency}
        onChange={(e) => setCurrency(e.target.value)}
      />
      <fieldset className="variant-rows">
        <legend>Items on sale</legend>
        {items.map((it, i) => (
          <div className="variant-row" key={i}>
            <Field
              label={`SKU (item ${i + 1})`}
              required
              value={it.sku}
              onChange={(e) => setItem(i, { sku: e.target.value })}
              error={fieldError(`items/${i}/sku`)}
            />
            <Field
              label={`Sale price (item ${i + 1})`}
              inputMode="decimal"
              required
              value={it.price}
              onChange={(e) => setItem(i, { price: e.target.value })}
              error={
                fieldError(`items/${i}/salePrice`) ??
                fieldError(`items/${i}/salePrice/amount`) ??
                fieldError(`items/${i}/salePrice/currency`)
              }
            />
            <Field
              label={`Units offered (item ${i + 1})`}
              type="number"
              min={1}
              required
              value={it.quantity}
              onChange={(e) => setItem(i, { quantity: e.target.value })}
              error={fieldError(`items/${i}/quantity`)}
            />
            <Field
              label={`Limit per customer (item ${i + 1})`}
              type="number"
              min={1}
              required
              value={it.limit}
              onChange={(e) => setItem(i, { limit: e.target.value })}
              error={fieldError(`items/${i}/perCustomerLimit`)}
            />
            {items.length > 1 && (
              <button
                type="button"
                className="link"
                onClick={() => setItems(items.filter((_, j) => j !== i))}
              >
                Remove item {i + 1}
              </button>
            )}
          </div>
        ))}
        <button type="button" className="secondary" onClick={() => setItems([...items, EMPTY_ITEM])}>
          Add an item
        </button>
      </fieldset>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <ErrorNotice error={create.error} />
      <button type="submit" disabled={create.isPending}>
        {create.isPending ? 'Creating…' : 'Create flash sale'}
      </button>
    </form>
  );
}
