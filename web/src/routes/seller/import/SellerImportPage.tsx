import { useId, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useImportStatus, useStartImport } from '@/api/seller';
import type { ImportStatus } from '@/api/types';
import { AreaNav } from '@/components/AreaNav';
import { ErrorNotice } from '@/components/Status';
import { useDocumentTitle } from '@/components/useDocumentTitle';

const COLUMNS =
  'title, description, brand, categoryId, status, sku, variantTitle, price, currency, initialStock, attributes, images';

function Progress({ status }: { status: ImportStatus }) {
  const done = status.createdRows + status.failedRows;
  const finished = status.status === 'completed' || status.status === 'failed';
  return (
    <section aria-labelledby="progress-heading" className="import-progress">
      <h2 id="progress-heading">
        {status.status === 'queued'
          ? 'Waiting to start…'
          : status.status === 'running'
            ? 'Importing…'
            : status.status === 'completed'
              ? 'Import finished'
              : 'Import failed'}
      </h2>
      <progress
        max={status.totalRows || 1}
        value={status.totalRows ? done : finished ? 1 : undefined}
        aria-label="Rows imported"
      />
      <p role="status" aria-live="polite">
        {done} of {status.totalRows || '?'} rows: {status.createdRows} created, {status.failedRows} with
        errors.
      </p>
      {status.errors.length > 0 && (
        <div className="table-scroll">
          <table className="responsive">
            <caption>Rows with errors</caption>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Field</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {status.errors.map((e, i) => (
                <tr key={`${e.line}-${e.path}-${i}`}>
                  <td>{e.line}</td>
                  <td>{e.path}</td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {finished && status.createdRows > 0 && (
        <p>
          <Link to="/seller/products">See your products</Link>
        </p>
      )}
    </section>
  );
}

/** Uploads a CSV of products and follows the import row by row. */
export default function SellerImportPage() {
  useDocumentTitle('CSV import');
  const start = useStartImport();
  const [file, setFile] = useState<File | null>(null);
  const [importId, setImportId] = useState<string | null>(null);
  const status = useImportStatus(importId);
  const fileId = useId();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (file) start.mutate(file, { onSuccess: (r) => setImportId(r.importId) });
  };
  return (
    <section>
      <AreaNav area="seller" />
      <h1>Import products from CSV</h1>
      <p className="hint">
        One product with one variant per row. The first row names the columns: {COLUMNS}.
      </p>
      <form className="form" onSubmit={onSubmit}>
        <div className="field">
          <label htmlFor={fileId}>CSV file</label>
          <input
            id={fileId}
            type="file"
            accept=".csv,text/csv"
            required
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </div>
        <ErrorNotice error={start.error} />
        <button type="submit" disabled={!file || start.isPending}>
          {start.isPending ? 'Uploading…' : 'Upload and import'}
        </button>
      </form>
      <ErrorNotice error={status.error} onRetry={() => void status.refetch()} />
      {status.data && <Progress status={status.data} />}
    </section>
  );
}
