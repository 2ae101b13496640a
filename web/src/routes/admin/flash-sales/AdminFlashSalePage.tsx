import { Link, useParams } from 'react-router';
import { useEndFlashSale, useLiveSale } from '@/api/flash';
import type { FlashSale } from '@/api/types';
import { AreaNav } from '@/components/AreaNav';
import { Remaining, SaleTimer } from '@/components/FlashSales';
import { formatDate } from '@/components/OrderView';
import { formatMoney } from '@/components/Price';
import { ErrorNotice, Loading } from '@/components/Status';
import { useDocumentTitle } from '@/components/useDocumentTitle';
import { SaleForm } from './SaleForm';

/** "End now" for a scheduled or running sale: it stops at once, its unsold units back to stock. */
function EndNow({ sale }: { sale: FlashSale }) {
  const end = useEndFlashSale(sale.id);
  return (
    <div className="actions sale-end">
      <button
        type="button"
        className="danger"
        disabled={end.isPending}
        onClick={() => {
          if (
            window.confirm(
              `End "${sale.name}" now? Reservations stop at once and unsold units go back to stock.`,
            )
          )
            end.mutate();
        }}
      >
        {end.isPending ? 'Ending…' : 'End now'}
      </button>
      <ErrorNotice error={end.error} />
    </div>
  );
}

/**
 * A sale watched live: read every two seconds, units left and reservations per second; a scheduled
 * or running sale can be ended now or edited here.
 */
export default function AdminFlashSalePage() {
  const { id } = useParams();
  const live = useLiveSale(id);
  useDocumentTitle(live.data?.sale.name ?? 'Flash sale');
  if (live.isPending) return <Loading />;
  if (live.error) return <ErrorNotice error={live.error} onRetry={() => void live.refetch()} />;
  const { sale: s, rates } = live.data;
  return (
    <section>
      <AreaNav area="admin" />
      <p>
        <Link to="/admin/flash-sales">All flash sales</Link> ·{' '}
        <Link to={`/flash-sales/${s.id}`}>Shop page</Link>
      </p>
      <h1>{s.name}</h1>
      <p>
        <span className={`badge status-${s.state}`}>{s.state}</span> <SaleTimer sale={s} /> ·{' '}
        {formatDate(s.startsAt)} – {formatDate(s.endsAt)}
      </p>
      <div className="table-scroll">
        <table className="responsive">
          <caption>Live: read every 2 seconds</caption>
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col">Sale price</th>
              <th scope="col">Units left</th>
              <th scope="col">Sold</th>
              <th scope="col">Reservations/s</th>
            </tr>
          </thead>
          <tbody>
            {s.items.map((item) => (
              <tr key={item.sku}>
                <td>
                  {item.title} <small className="muted">{item.sku}</small>
                </td>
                <td>
                  {formatMoney(item.salePrice)} <s className="muted">{formatMoney(item.regularPrice)}</s>
                </td>
                <td>
                  <Remaining item={item} />
                </td>
                <td>{item.sold}</td>
                <td>{(rates[item.sku] ?? 0).toFixed(1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {(s.state === 'scheduled' || s.state === 'active') && (
        <>
          <EndNow sale={s} />
          {/* a new form when the sale starts: what may change differs */}
          <SaleForm key={`${s.id}:${s.state}`} sale={s} onSaved={() => undefined} />
        </>
      )}
    </section>
  );
}
