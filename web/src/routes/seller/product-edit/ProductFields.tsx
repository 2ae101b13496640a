import { useId } from 'react';
import { flattenCategories, useCategories } from '@/api/catalog';
import { Field } from '@/components/Field';
import { ErrorNotice } from '@/components/Status';
import { emptyVariant, type ProductForm, type VariantRow } from './form-model';

interface Props {
  form: ProductForm;
  setForm: (f: ProductForm) => void;
  isNew: boolean;
  /** What the server said of a field of the body (`title`, `variants/0/sku`), if it refused it. */
  errorOf: (field: string) => string | undefined;
}

function TextArea({
  label,
  value,
  onChange,
  hint,
  error,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  hint?: string;
  error?: string;
}) {
  const id = useId();
  const described = [hint && `${id}-h`, error && `${id}-e`].filter(Boolean).join(' ');
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
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {error && (
        <span id={`${id}-e`} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}

export function ProductFields({ form, setForm, isNew, errorOf }: Props) {
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
        error={errorOf('title')}
      />
      <Field
        label="Brand"
        required
        maxLength={100}
        value={form.brand}
        onChange={(e) => set({ brand: e.target.value })}
        error={errorOf('brand')}
      />
      <div className="field">
        <label htmlFor={categoryId}>Category</label>
        <select
          id={categoryId}
          required
          value={form.categoryId}
          aria-invalid={errorOf('categoryId') ? true : undefined}
          aria-describedby={errorOf('categoryId') ? `${categoryId}-e` : undefined}
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
        {errorOf('categoryId') && (
          <span id={`${categoryId}-e`} className="field-error">
            {errorOf('categoryId')}
          </span>
        )}
        <ErrorNotice error={categories.error} />
      </div>
      <TextArea
        label="Description"
        value={form.description}
        onChange={(description) => set({ description })}
        error={errorOf('description')}
      />
      <TextArea
        label="Image URLs"
        hint="One https:// address per line"
        value={form.images}
        onChange={(images) => set({ images })}
        error={errorOf('images')}
      />
      <Field
        label="Attributes"
        placeholder="material=cotton, fit=regular"
        value={form.attributes}
        onChange={(e) => set({ attributes: e.target.value })}
        error={errorOf('attributes')}
      />
      <Field
        label="Currency"
        required
        pattern="[A-Za-z]{3}"
        maxLength={3}
        value={form.currency}
        onChange={(e) => set({ currency: e.target.value })}
        error={errorOf('currency')}
      />
      <fieldset className="variant-rows">
        <legend>Variants</legend>
        {form.variants.map((v, i) => (
          <div key={i} className="variant-row" role="group" aria-label={`Variant ${i + 1}`}>
            <Field
              label={`SKU (variant ${i + 1})`}
              required
              pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}"
              title="Letters and digits, then also . _ - (up to 64)"
              value={v.sku}
              onChange={(e) => setVariant(i, { sku: e.target.value })}
              error={errorOf(`variants/${i}/sku`)}
            />
            <Field
              label={`Name (variant ${i + 1})`}
              value={v.title}
              onChange={(e) => setVariant(i, { title: e.target.value })}
              error={errorOf(`variants/${i}/title`)}
            />
            <Field
              label={`Price (variant ${i + 1})`}
              required
              inputMode="decimal"
              placeholder="19.99"
              value={v.price}
              onChange={(e) => setVariant(i, { price: e.target.value })}
              error={errorOf(`variants/${i}/price`)}
            />
            {isNew && (
              <Field
                label={`Stock (variant ${i + 1})`}
                type="number"
                min={0}
                value={v.stock}
                onChange={(e) => setVariant(i, { stock: e.target.value })}
                error={errorOf(`variants/${i}/initialStock`)}
              />
            )}
            <Field
              label={`Options (variant ${i + 1})`}
              placeholder="color=red, size=M"
              value={v.attributes}
              onChange={(e) => setVariant(i, { attributes: e.target.value })}
              error={errorOf(`variants/${i}/attributes`)}
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
