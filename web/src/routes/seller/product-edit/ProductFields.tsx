import { useId } from 'react';
import { flattenCategories, useCategories } from '@/api/catalog';
import { Field } from '@/components/Field';
import { ErrorNotice } from '@/components/Status';
import { emptyVariant, type ProductForm, type VariantRow } from './form-model';

interface Props {
  form: ProductForm;
  setForm: (f: ProductForm) => void;
  isNew: boolean;
}

function TextArea({
  label,
  value,
  onChange,
  hint,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  hint?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <span id={`${id}-h`} className="hint">
          {hint}
        </span>
      )}
      <textarea
        id={id}
        rows={3}
        value={value}
        aria-describedby={hint ? `${id}-h` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

export function ProductFields({ form, setForm, isNew }: Props) {
  const categories = useCategories();
  const categoryId = useId();
  const set = (patch: Partial<ProductForm>) => setForm({ ...form, ...patch });
  const setVariant = (i: number, patch: Partial<VariantRow>) =>
    set({ variants: form.variants.map((v, j) => (j === i ? { ...v, ...patch } : v)) });

  return (
    <>
      <Field
        label="Title"
        required
        maxLength={200}
        value={form.title}
        onChange={(e) => set({ title: e.target.value })}
      />
      <Field
        label="Brand"
        required
        maxLength={100}
        value={form.brand}
        onChange={(e) => set({ brand: e.target.value })}
      />
      <div className="field">
        <label htmlFor={categoryId}>Category</label>
        <select
          id={categoryId}
          required
          value={form.categoryId}
          onChange={(e) => set({ categoryId: e.target.value })}
        >
          <option value="">Choose a category</option>
          {flattenCategories(categories.data ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {'\u00a0\u00a0'.repeat(c.depth)}
              {c.name}
            </option>
          ))}
        </select>
        <ErrorNotice error={categories.error} />
      </div>
      <TextArea
        label="Description"
        value={form.description}
        onChange={(description) => set({ description })}
      />
      <TextArea
        label="Image URLs"
        hint="One https:// address per line"
        value={form.images}
        onChange={(images) => set({ images })}
      />
      <Field
        label="Attributes"
        placeholder="material=cotton, fit=regular"
        value={form.attributes}
        onChange={(e) => set({ attributes: e.target.value })}
      />
      <Field
        label="Currency"
        required
        pattern="[A-Za-z]{3}"
        maxLength={3}
        value={form.currency}
        onChange={(e) => set({ currency: e.target.value })}
      />
      <fieldset className="variant-rows">
        <legend>Variants</legend>
        {form.variants.map((v, i) => (
          <div key={i} className="variant-row" role="group" aria-label={`Variant ${i + 1}`}>
            <Field
              label={`SKU (variant ${i + 1})`}
              required
              value={v.sku}
              onChange={(e) => setVariant(i, { sku: e.target.value })}
            />
            <Field
              label={`Name (variant ${i + 1})`}
              value={v.title}
              onChange={(e) => setVariant(i, { title: e.target.value })}
            />
            <Field
              label={`Price (variant ${i + 1})`}
              required
              inputMode="decimal"
              placeholder="19.99"
              value={v.price}
              onChange={(e) => setVariant(i, { price: e.target.value })}
            />
            {isNew && (
              <Field
                label={`Stock (variant ${i + 1})`}
                type="number"
                min={0}
                value={v.stock}
                onChange={(e) => setVariant(i, { stock: e.target.value })}
              />
            )}
            <Field
              label={`Options (variant ${i + 1})`}
              placeholder="color=red, size=M"
              value={v.attributes}
              onChange={(e) => setVariant(i, { attributes: e.target.value })}
            />
            {form.variants.length > 1 && (
              <button
                type="button"
                className="danger"
                onClick={() => set({ variants: form.variants.filter((_, j) => j !== i) })}
              >
                Remove variant {i + 1}
              </button>
            )}
          </div>
        ))}
        <button
          type="button"
          className="secondary"
          onClick={() => set({ variants: [...form.variants, emptyVariant()] })}
        >
          Add a variant
        </button>
      </fieldset>
    </>
  );
}
