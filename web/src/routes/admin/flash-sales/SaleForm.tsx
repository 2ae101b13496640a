import { useState, type FormEvent } from 'react';
import { fieldError as errorOf } from '@/api/client';
import { useCreateFlashSale, useUpdateFlashSale } from '@/api/flash';
import type { FlashSale, Money, UpdateFlashSaleBody } from '@/api/types';
import { Field } from '@/components/Field';
import { currencyDigits, parseMoney } from '@/components/Price';
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

/** Minor units as a person types them back: 1999 USD → "19.99", 1500 JPY → "1500". */
function priceText({ amount, currency }: Money): string {
  const digits = currencyDigits(currency);
  return digits ? (amount / 10 ** digits).toFixed(digits) : String(amount);
}

/**
 * Creates a sale, or edits `sale`: a scheduled one in every field, a running one in its name, its
 * end and its quantities (the server refuses a quantity below the units sold or held, or more than
 * stock has, at the field). A time left as it was is not sent: the input holds minutes, the sale
 * may not.
 */
export function SaleForm({ sale, onSaved }: { sale?: FlashSale; onSaved: (sale: FlashSale) => void }) {
  const create = useCreateFlashSale();
  const update = useUpdateFlashSale(sale?.id ?? '');
  const saving = sale ? update : create;
  const running = sale?.state === 'active';
  const [name, setName] = useState(sale?.name ?? '');
  const [startsAt, setStartsAt] = useState(() => localInput(sale ? new Date(sale.startsAt) : new Date()));
  const [endsAt, setEndsAt] = useState(() =>
    localInput(sale ? new Date(sale.endsAt) : new Date(Date.now() + 3_600_000)),
  );
  const [currency, setCurrency] = useState(sale?.items[0]?.salePrice.currency ?? 'USD');
  const [items, setItems] = useState<ItemText[]>(() =>
    sale
      ? sale.items.map((i) => ({
          sku: i.sku,
          price: priceText(i.salePrice),
          quantity: String(i.quantity),
          limit: String(i.perCustomerLimit),
        }))
      : [EMPTY_ITEM],
  );
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  const fieldError = (field: string) => errorOf(saving.error, field);
  const setItem = (i: number, patch: Partial<ItemText>) =>
    setItems(items.map((it, j) => (j === i ? { ...it, ...patch } : it)));
  const heading = !sale ? 'New flash sale' : running ? 'Change the running sale' : 'Edit flash sale';
  const headingId = sale ? 'edit-sale-heading' : 'new-sale-heading';

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const code = currency.trim().toUpperCase();
    const bad = running ? -1 : items.findIndex((it) => parseMoney(it.price, code) === null);
    if (bad >= 0) {
      setProblem(`Sale price of item ${bad + 1} is not a price in ${code} (e.g. 19.99).`);
      return;
    }
    setProblem(null);
    const fullItems = items.map((it) => ({
      sku: it.sku.trim(),
      salePrice: { amount: parseMoney(it.price, code) ?? 0, currency: code },
      quantity: Number(it.quantity),
      perCustomerLimit: Number(it.limit),
    }));
    if (!sale) {
      create.mutate(
        {
          name: name.trim(),
          // "now" set a minute ago is still now: a start in the past starts the sale at once
          startsAt: new Date(startsAt).toISOString(),
          endsAt: new Date(endsAt).toISOString(),
          items: fullItems,
        },
        { onSuccess: onSaved },
      );
      return;
    }
    const body: UpdateFlashSaleBody = {
      name: name.trim(),
      // a running sale keeps its items, prices and limits: only the quantities are sent
      items: running ? fullItems.map(({ sku, quantity }) => ({ sku, quantity })) : fullItems,
    };
    if (!running && startsAt !== localInput(new Date(sale.startsAt)))
      body.startsAt = new Date(startsAt).toISOString();
    if (endsAt !== localInput(new Date(sale.endsAt))) body.endsAt = new Date(endsAt).toISOString();
    update.mutate(body, {
      onSuccess: (s) => {
        setSaved(true);
        onSaved(s);
      },
    });
  };

  return (
    <form className="form wide" onSubmit={onSubmit} aria-labelledby={headingId}>
      <h2 id={headingId}>{heading}</h2>
      {running && (
        <p className="hint">
          A running sale keeps its start, items, prices and limits. A quantity cannot go below the units sold
          or held; a higher one takes the extra units from stock. An end in the past ends the sale now.
        </p>
      )}
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
          disabled={running}
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
        disabled={running}
        maxLength={3}
        value={currency}
        onChange={(e) => setCurrency(e.target.value)}
      />
      <fieldset className="variant-rows">
        <legend>Items on sale</legend>
        {fieldError('items') && (
          <p className="field-error" role="alert">
            {fieldError('items')}
          </p>
        )}
        {items.map((it, i) => (
          <div className="variant-row" key={i}>
            <Field
              label={`SKU (item ${i + 1})`}
              required
              disabled={running}
              value={it.sku}
              onChange={(e) => setItem(i, { sku: e.target.value })}
              error={fieldError(`items/${i}/sku`)}
            />
            <Field
              label={`Sale price (item ${i + 1})`}
              inputMode="decimal"
              required
              disabled={running}
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
              disabled={running}
              value={it.limit}
              onChange={(e) => setItem(i, { limit: e.target.value })}
              error={fieldError(`items/${i}/perCustomerLimit`)}
            />
            {items.length > 1 && !running && (
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
        {!running && (
          <button type="button" className="secondary" onClick={() => setItems([...items, EMPTY_ITEM])}>
            Add an item
          </button>
        )}
      </fieldset>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <ErrorNotice error={saving.error} />
      {saved && !saving.error && <p role="status">Changes saved.</p>}
      <button type="submit" disabled={saving.isPending}>
        {sale
          ? saving.isPending
            ? 'Saving…'
            : 'Save changes'
          : saving.isPending
            ? 'Creating…'
            : 'Create flash sale'}
      </button>
    </form>
  );
}
