import { useId, useState, type FormEvent } from 'react';
import { useAdjustStock, useInventory, useMovements, useSetThreshold } from '@/api/seller';
import { Field } from '@/components/Field';
import { formatDate } from '@/components/OrderView';
import { ErrorNotice, Loading } from '@/components/Status';

function AdjustForm({ sku }: { sku: string }) {
  const adjust = useAdjustStock(sku);
  const [delta, setDelta] = useState('');
  const [reason, setReason] = useState('');
  const [location, setLocation] = useState('');
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    adjust.mutate(
      {
        delta: Number(delta),
        reason: reason.trim(),
        ...(location.trim() ? { locationId: location.trim() } : {}),
      },
      {
        onSuccess: () => {
          setDelta('');
          setReason('');
        },
      },
    );
  };
  return (
    <form className="form" onSubmit={onSubmit} aria-labelledby={`adjust-${sku}`}>
      <h3 id={`adjust-${sku}`}>Adjust stock</h3>
      <Field
        label="Change in units (e.g. 10 or -2)"
        type="number"
        step={1}
        required
        value={delta}
        onChange={(e) => setDelta(e.target.value)}
      />
      <Field
        label="Reason"
        required
        maxLength={500}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
      />
      <Field
        label="Location (optional)"
        maxLength={64}
        value={location}
        onChange={(e) => setLocation(e.target.value)}
      />
      <ErrorNotice error={adjust.error} />
      {adjust.isSuccess && (
        <p className="success" role="status">
          Stock adjusted.
        </p>
      )}
      <button type="submit" disabled={adjust.isPending || !delta || Number(delta) === 0}>
        Save adjustment
      </button>
    </form>
  );
}

function ThresholdForm({ sku, threshold }: { sku: string; threshold: number }) {
  const set = useSetThreshold(sku);
  const [value, setValue] = useState(String(threshold));
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        set.mutate(Number(value));
      }}
    >
      <Field
        label="Low-stock alert at (units)"
        type="number"
        min={0}
        required
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <ErrorNotice error={set.error} />
      <button type="submit" className="secondary" disabled={set.isPending || Number(value) === threshold}>
        Save threshold
      </button>
    </form>
  );
}

function Movements({ sku }: { sku: string }) {
  const [cursor, setCursor] = useState<string | undefined>();
  const movements = useMovements(sku, cursor);
  const headingId = useId();
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>Movements</h3>
      {movements.isPending && <Loading />}
      <ErrorNotice error={movements.error} onRetry={() => void movements.refetch()} />
      {movements.data && (
        <div className="table-scroll">
          <table className="responsive">
            <caption className="visually-hidden">Stock movements of {sku}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Kind</th>
                <th scope="col">On hand</th>
                <th scope="col">Reserved</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {movements.data.items.map((m) => (
                <tr key={m.id}>
                  <td>
                    <time dateTime={m.at}>{formatDate(m.at)}</time>
                  </td>
                  <td>{m.kind}</td>
                  <td>{m.deltaOnHand > 0 ? `+${m.deltaOnHand}` : m.deltaOnHand}</td>
                  <td>{m.deltaReserved > 0 ? `+${m.deltaReserved}` : m.deltaReserved}</td>
                  <td>{m.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager" aria-label="Movement pages">
        {cursor && (
          <button type="button" className="secondary" onClick={() => setCursor(undefined)}>
            Newest
          </button>
        )}
        {movements.data?.nextCursor && (
          <button
            type="button"
            className="secondary"
            onClick={() => setCursor(movements.data.nextCursor ?? undefined)}
          >
            Older
          </button>
        )}
      </nav>
    </section>
  );
}

/** One SKU's stock: levels per location, adjustments, the alert threshold and the ledger. */
export function StockPanel({ sku }: { sku: string }) {
  const level = useInventory(sku);
  if (level.isPending) return <Loading label="Loading stock…" />;
  if (level.error) return <ErrorNotice error={level.error} onRetry={() => void level.refetch()} />;
  const l = level.data;
  return (
    <section aria-labelledby="stock-heading" className="stock-panel">
      <h2 id="stock-heading">Stock of {sku}</h2>
      <dl className="figures">
        <div>
          <dt>On hand</dt>
          <dd>{l.onHand}</dd>
        </div>
        <div>
          <dt>Reserved</dt>
          <dd>{l.reserved}</dd>
        </div>
        <div>
          <dt>Available</dt>
          <dd>{l.available}</dd>
        </div>
      </dl>
      {l.locations.length > 1 && (
        <ul className="plain">
          {l.locations.map((loc) => (
            <li key={loc.locationId}>
              {loc.locationId}: {loc.onHand} on hand
            </li>
          ))}
        </ul>
      )}
      <div className="columns">
        <AdjustForm sku={sku} />
        <ThresholdForm key={l.lowStockThreshold} sku={sku} threshold={l.lowStockThreshold} />
      </div>
      <Movements key={sku} sku={sku} />
    </section>
  );
}
