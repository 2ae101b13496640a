import { useId } from 'react';
import { useSearchParams } from 'react-router';
import { useSalesReport } from '@/api/admin';
import type { Money, SalesReport } from '@/api/types';
import { AreaNav } from '@/components/AreaNav';
import { Chart } from '@/components/Chart';
import { formatMoney } from '@/components/Price';
import { ErrorNotice, Loading } from '@/components/Status';
import { useDocumentTitle } from '@/components/useDocumentTitle';

const RANGES = {
  '24h': { label: 'Last 24 hours', ms: 86_400_000, interval: 'hour' },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000, interval: 'day' },
  '30d': { label: 'Last 30 days', ms: 30 * 86_400_000, interval: 'day' },
} as const;
type Range = keyof typeof RANGES;

const sumOf = (list: Money[], currency: string) => list.find((m) => m.currency === currency)?.amount ?? 0;
const money = (currency: string) => (amount: number) => formatMoney({ amount, currency });

function bucketLabel(iso: string, interval: 'hour' | 'day'): string {
  const d = new Date(iso);
  return interval === 'hour'
    ? `${String(d.getUTCHours()).padStart(2, '0')}:00`
    : `${d.getUTCMonth() + 1}/${d.getUTCDate()}`;
}

function Report({ report }: { report: SalesReport }) {
  const currency = report.totals.revenue[0]?.currency ?? 'USD';
  const label = (iso: string) => bucketLabel(iso, report.interval);
  const per = report.interval === 'hour' ? 'per hour' : 'per day';
  return (
    <>
      {report.stale && (
        <p className="hint" role="status">
          The shop is in degraded mode: these are the last computed numbers.
        </p>
      )}
      <dl className="figures">
        <div>
          <dt>Orders</dt>
          <dd>{report.totals.orders}</dd>
        </div>
        <div>
          <dt>Units</dt>
          <dd>{report.totals.units}</dd>
        </div>
        {report.totals.revenue.map((m) => (
          <div key={m.currency}>
            <dt>Revenue ({m.currency})</dt>
            <dd>{formatMoney(m)}</dd>
          </div>
        ))}
      </dl>
      <div className="charts">
        <Chart
          title={`Orders ${per}`}
          points={report.buckets.map((b) => ({ label: label(b.start), value: b.orders }))}
        />
        <Chart
          title={`Revenue ${per} (${currency})`}
          kind="line"
          format={money(currency)}
          points={report.buckets.map((b) => ({ label: label(b.start), value: sumOf(b.revenue, currency) }))}
        />
        <Chart
          title={`Units ${per}`}
          points={report.buckets.map((b) => ({ label: label(b.start), value: b.units }))}
        />
      </div>
      <section aria-labelledby="top-heading">
        <h2 id="top-heading">Top products</h2>
        {report.topProducts.byUnits.length === 0 ? (
          <p className="empty">No sales in this period.</p>
        ) : (
          <Chart
            title="Units sold by product"
            points={report.topProducts.byUnits.map((p) => ({ label: p.title, value: p.units }))}
          />
        )}
      </section>
    </>
  );
}

/** Sales over time from GET /v1/admin/analytics/sales. */
export default function AdminDashboardPage() {
  useDocumentTitle('Sales dashboard');
  const [params, setParams] = useSearchParams();
  const range: Range = (params.get('range') as Range | null) ?? '24h';
  const r = RANGES[range] ?? RANGES['24h'];
  const report = useSalesReport(r.ms, r.interval);
  const rangeId = useId();
  return (
    <section>
      <AreaNav area="admin" />
      <div className="listing-head">
        <h1>Sales dashboard</h1>
        <div className="field inline">
          <label htmlFor={rangeId}>Period</label>
          <select id={rangeId} value={range} onChange={(e) => setParams({ range: e.target.value })}>
            {Object.entries(RANGES).map(([k, v]) => (
              <option key={k} value={k}>
                {v.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {report.isPending && <Loading label="Loading sales…" />}
      <ErrorNotice error={report.error} onRetry={() => void report.refetch()} />
      {report.data && <Report report={report.data} />}
    </section>
  );
}
