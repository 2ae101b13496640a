import { useState } from 'react';
import { ApiError } from '@/api/client';
import { Link, useNavigate, useParams } from 'react-router';
import { useCreateProduct, useProduct, useUpdateProduct } from '@/api/catalog';
import type { Product } from '@/api/types';
import { ErrorNotice, Loading } from '@/components/Status';
import { useDocumentTitle } from '@/components/useDocumentTitle';
import { emptyForm, formFromProduct, productBody, type ProductForm } from './form-model';
import { ProductFields } from './ProductFields';

const PRODUCT_FIELDS = ['title', 'brand', 'categoryId', 'description', 'images', 'attributes', 'currency'];
const VARIANT_FIELDS = ['sku', 'title', 'price', 'initialStock', 'attributes'];

/**
 * The server's refusals by field of the body (`variants/0/price` also takes `variants/0/price/amount`),
 * and whether every one of them has a field on the form to be shown at.
 */
function refusals(err: unknown, variants: number) {
  const errors = err instanceof ApiError ? (err.problem.errors ?? []) : [];
  const pathOf = (p: string) => p.replace(/^\/body(?=\/)/, '').slice(1);
  const under = (p: string, field: string) => p === field || p.startsWith(`${field}/`);
  const fields = [
    ...PRODUCT_FIELDS,
    ...Array.from({ length: variants }, (_, i) => VARIANT_FIELDS.map((f) => `variants/${i}/${f}`)).flat(),
  ];
  return {
    errorOf: (field: string) => {
      const e = errors.find((x) => under(pathOf(x.path), field));
      if (!e) return undefined;
      // Below the field: name what in it was refused (an attribute's name, a price's amount).
      const inner = pathOf(e.path).slice(field.length + 1);
      return inner ? `${inner}: ${e.message}` : e.message;
    },
    allPlaced: errors.length > 0 && errors.every((e) => fields.some((f) => under(pathOf(e.path), f))),
  };
}

function Editor({ product }: { product?: Product }) {
  const navigate = useNavigate();
  const create = useCreateProduct();
  const update = useUpdateProduct();
  const [form, setForm] = useState<ProductForm>(() => (product ? formFromProduct(product) : emptyForm()));
  const [inputError, setInputError] = useState<Error | null>(null);
  const [saved, setSaved] = useState<Product | null>(null);
  const pending = create.isPending || update.isPending;
  const status = saved?.status ?? product?.status;
  const refused = create.error ?? update.error;
  const { errorOf, allPlaced } = refusals(refused, form.variants.length);

  const submit = (next: 'draft' | 'published') => {
    setInputError(null);
    let body;
    try {
      body = productBody(form, next, !product);
    } catch (err) {
      setInputError(err as Error);
      return;
    }
    if (product) {
      const { variants, ...rest } = body;
      update.mutate(
        { id: product.id, body: { ...rest, variants: variants.map(({ initialStock: _s, ...v }) => v) } },
        { onSuccess: setSaved },
      );
    } else {
      create.mutate(body, {
        onSuccess: (created) => void navigate(`/seller/products/${created.id}/edit`, { replace: true }),
      });
    }
  };

  return (
    <form
      className="form wide"
      aria-labelledby="editor-heading"
      onSubmit={(e) => {
        e.preventDefault();
        submit('published');
      }}
    >
      <h1 id="editor-heading">{product ? `Edit “${product.title}”` : 'New product'}</h1>
      {status && (
        <p className="hint">
          Status: <strong>{status}</strong>
          {status === 'published' && product && (
            <>
              {' '}
              · <Link to={`/products/${saved?.slug ?? product.slug}`}>View in the shop</Link>
            </>
          )}
        </p>
      )}
      <ProductFields form={form} setForm={setForm} isNew={!product} errorOf={errorOf} />
      <ErrorNotice
        error={inputError ?? (allPlaced ? new Error('Not saved: check the fields marked above.') : refused)}
      />
      {saved && (
        <p className="success" role="status">
          Saved as {saved.status}.
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={pending}>
          {pending ? 'Saving…' : 'Publish'}
        </button>
        <button
          type="button"
          className="secondary"
          disabled={pending}
          // A draft is checked like a publication: a required field left empty is named by the browser.
          onClick={(e) => {
            if (e.currentTarget.form?.reportValidity() !== false) submit('draft');
          }}
        >
          Save as draft
        </button>
      </div>
    </form>
  );
}

/** Create a product (no id) or edit one of the seller's products, its variants included. */
export default function ProductEditPage() {
  const { id } = useParams();
  const product = useProduct(id);
  useDocumentTitle(id ? 'Edit product' : 'New product');
  if (!id) return <Editor />;
  if (product.isPending) return <Loading label="Loading product…" />;
  if (product.error) return <ErrorNotice error={product.error} onRetry={() => void product.refetch()} />;
  return <Editor key={product.data.id} product={product.data} />;
}
