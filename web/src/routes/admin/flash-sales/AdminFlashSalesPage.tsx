import { Link, useNavigate } from 'react-router';
import { useFlashSales } from '@/api/flash';
import { AreaNav } from '@/components/AreaNav';
import { SaleTimer } from '@/components/FlashSales';
import { formatDate } from '@/components/OrderView';
import { ErrorNotice, Loading } from '@/components/Status';
import { useDocumentTitle } from '@/components/useDocumentTitle';
import { SaleForm } from './SaleForm';

export default function AdminFlashSalesPage() {
  useDocumentTitle('Flash sales');
  const navigate = useNavigate();
  const sales = useFlashSales('', 10_000);
  return (
    <section>
      <AreaNav area="admin" />
      <h1>Flash sales</h1>
      {sales.isPending && <Loading />}
      <ErrorNotice error={sales.error} onRetry={() => void sales.refetch()} />
      {sales.data && sales.data.items.length === 0 && <p className="empty">No flash sales yet.</p>}
      {sales.data && sales.data.items.length > 0 && (
        <div className="table-scroll">
          <table className="responsive">
            <caption className="visually-hidden">Flash sales</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">State</th>
                <th scope="col">Starts</th>
                <th scope="col">Ends</th>
                <th scope="col">Units left</th>
              </tr>
            </thead>
            <tbody>
              {sales.data.items.map((s) => (
                <tr key={s.id}>
                  <td>
                    <Link to={`/admin/flash-sales/${s.id}`}>{s.name}</Link>
                  </td>
                  <td>
                    <span className={`badge status-${s.state}`}>{s.state}</span> <SaleTimer sale={s} />
                  </td>
                  <td>{formatDate(s.startsAt)}</td>
                  <td>{formatDate(s.endsAt)}</td>
                  <td>{s.items.reduce((n, i) => n + i.remaining, 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <SaleForm onSaved={(sale) => void navigate(`/admin/flash-sales/${sale.id}`)} />
    </section>
  );
}
