import { useId, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useFlashSale } from '@/api/flash';
import { useSession } from '@/api/identity';
import { reservationMessage, useReservation, type ReservationState } from '@/api/reservation';
import type { FlashSale, FlashSaleItem } from '@/api/types';
import { Countdown } from '@/components/Countdown';
import { Remaining, SaleTimer } from '@/components/FlashSales';
import { formatMoney } from '@/components/Price';
import { ErrorNotice, Loading } from '@/components/Status';
import { useDocumentTitle } from '@/components/useDocumentTitle';

function Outcome({ state, item }: { state: ReservationState; item: FlashSaleItem }) {
  if (state.kind === 'idle' || state.sku !== item.sku) return null;
  if (state.kind === 'queued')
    return (
      <p role="status" className="queued">
        You are in the waiting room: number {state.position} in line. We will reserve as soon as it is your
        turn; keep this page open.
      </p>
    );
  if (state.kind === 'held')
    return (
      <div role="status" className="success-box">
        <p>
          Reserved: {state.reservation.quantity} × {item.title} at {formatMoney(state.reservation.unitPrice)}{' '}
          is in your cart. <Countdown to={state.reservation.expiresAt} label="Held for" done="Hold expired" />
        </p>
        <Link to="/cart" className="button">
          Go to your cart
        </Link>
      </div>
    );
  if (state.kind === 'failed')
    return (
      <div className="error" role="alert">
        <p>{reservationMessage(state.error, item.perCustomerLimit)}</p>
      </div>
    );
  return null;
}

function SaleItem({
  sale,
  item,
  reservation,
}: {
  sale: FlashSale;
  item: FlashSaleItem;
  reservation: ReturnType<typeof useReservation>;
}) {
  const { current } = useSession();
  const [quantity, setQuantity] = useState(1);
  const quantityId = useId();
  const { state } = reservation;
  const busy = (state.kind === 'sending' || state.kind === 'queued') && state.sku === item.sku;
  const open = sale.state === 'active' && item.remaining > 0;
  return (
    <li className="sale-item">
      <h2>{item.title}</h2>
      <p>
        <strong className="price big sale">{formatMoney(item.salePrice)}</strong>{' '}
        <s className="muted">{formatMoney(item.regularPrice)}</s>
      </p>
      {sale.state === 'active' && <Remaining item={item} />}
      <p className="hint">At most {item.perCustomerLimit} per customer.</p>
      {!current ? (
        <Link to={`/sign-in?next=${encodeURIComponent(`/flash-sales/${sale.id}`)}`} className="button">
          Sign in to reserve
        </Link>
      ) : (
        <form
          className="add-to-cart"
          onSubmit={(e) => {
            e.preventDefault();
            void reservation.reserve(item.sku, quantity);
          }}
        >
          {item.perCustomerLimit > 1 && (
            <div className="field inline">
              <label htmlFor={quantityId}>Quantity</label>
              <input
                id={quantityId}
                type="number"
                min={1}
                max={item.perCustomerLimit}
                value={quantity}
                onChange={(e) =>
                  setQuantity(Math.max(1, Math.min(item.perCustomerLimit, Number(e.target.value) || 1)))
                }
              />
            </div>
          )}
          <button type="submit" disabled={!open || busy} aria-label={`Reserve ${item.title}`}>
            {busy
              ? 'Reserving…'
              : open
                ? 'Reserve'
                : sale.state === 'scheduled'
                  ? 'Not started yet'
                  : 'Sold out'}
          </button>
        </form>
      )}
      <Outcome state={state} item={item} />
    </li>
  );
}

export default function FlashSalePage() {
  const { id } = useParams();
  const sale = useFlashSale(id, 3_000);
  const reservation = useReservation(id ?? '');
  useDocumentTitle(sale.data?.name ?? 'Flash sale');
  if (sale.isPending) return <Loading label="Loading the sale…" />;
  if (sale.error) return <ErrorNotice error={sale.error} onRetry={() => void sale.refetch()} />;
  const s = sale.data;
  return (
    <section aria-labelledby="sale-heading">
      <h1 id="sale-heading">{s.name}</h1>
      <p className="sale-timer">
        <SaleTimer sale={s} />
      </p>
      <ul className="sale-items">
        {s.items.map((item) => (
          <SaleItem key={item.sku} sale={s} item={item} reservation={reservation} />
        ))}
      </ul>
    </section>
  );
}
