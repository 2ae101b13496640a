import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError } from '@/api/client';
import { useAddToCart } from '@/api/cart';
import type { Variant } from '@/api/types';
import { ErrorNotice } from '@/components/Status';

function addError(err: unknown): unknown {
  if (err instanceof ApiError && err.code === 'out_of_stock') {
    const available = (err.problem.available ??
      (err.problem.lines as { available?: number }[] | undefined)?.[0]?.available) as number | undefined;
    return new Error(
      typeof available === 'number'
        ? `Only ${available} available, including what is already in your cart.`
        : 'Not enough in stock.',
    );
  }
  return err;
}

/** Quantity and "Add to cart" for the chosen variant; says so when it is in the cart. */
export function AddToCart({ variant }: { variant: Variant }) {
  const add = useAddToCart();
  const [quantity, setQuantity] = useState(1);
  const quantityId = useId();
  const soldOut = variant.availability === 'out_of_stock';
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate({ sku: variant.sku, quantity });
  };
  return (
    <form className="add-to-cart" onSubmit={onSubmit}>
      <div className="field inline">
        <label htmlFor={quantityId}>Quantity</label>
        <input
          id={quantityId}
          type="number"
          inputMode="numeric"
          min={1}
          max={999}
          value={quantity}
          onChange={(e) => setQuantity(Math.max(1, Math.min(999, Number(e.target.value) || 1)))}
        />
      </div>
      <button type="submit" disabled={soldOut || add.isPending}>
        {soldOut ? 'Sold out' : add.isPending ? 'Adding…' : 'Add to cart'}
      </button>
      {add.isSuccess && add.variables.sku === variant.sku && (
        <p className="success" role="status">
          Added to your cart. <Link to="/cart">View cart</Link>
        </p>
      )}
      <ErrorNotice error={addError(add.error)} />
    </form>
  );
}
