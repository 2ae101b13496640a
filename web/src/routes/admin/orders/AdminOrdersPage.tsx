import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useCancelOrder, useOrder, useRefundOrder } from '@/api/orders';
import type { Order } from '@/api/types';
import { AreaNav } from '@/components/AreaNav';
import { Field } from '@/components/Field';
import { OrderView, StatusBadge } from '@/components/OrderView';
import { formatMoney, parseMoney } from '@/components/Price';
import { ErrorNotice, Loading } from '@/components/Status';
import { useDocumentTitle } from '@/components/useDocumentTitle';

function RefundForm({ order }: { order: Order }) {
  const refund = useRefundOrder();
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const left = { amount: order.totals.total.amount - order.totals.refunded.amount, currency: order.currency };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const minor = amount.trim() ? parseMoney(amount, order.currency) : undefined;
    if (minor === null) {
      setProblem(
        `The amount is not a price in ${order.currency} (e.g. 12.50); leave it empty to refund everything left.`,
      );
      return;
    }
    setProblem(null);
    refund.mutate({ id: order.id, amount: minor, reason: reason.trim() }, { onSuccess: () => setAmount('') });
  };
  return (
    <form className="form" onSubmit={onSubmit} aria-labelledby="refund-heading">
      <h2 id="refund-heading">Refund</h2>
      <p className="hint">
        Up to {formatMoney(left)} can still be refunded. Leave the amount empty to refund all of it.
      </p>
      <Field
        label="Amount (optional)"
        inputMode="decimal"
        value={amount}
        onChange={(e) => setAmount(e.target.value)}
      />
      <Field
        label="Reason"
        required
        maxLength={500}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
      />
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <ErrorNotice error={refund.error} />
      {refund.isSuccess && (
        <p className="success" role="status">
          Refunded.
        </p>
      )}
      <button type="submit" disabled={refund.isPending || left.amount <= 0}>
        {amount.trim() ? 'Refund this amount' : 'Refund in full'}
      </button>
    </form>
  );
}

function CancelForm({ order }: { order: Order }) {
  const cancel = useCancelOrder();
  const [reason, setReason] = useState('');
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        cancel.mutate({ id: order.id, reason: reason.trim() || undefined });
      }}
      aria-labelledby="cancel-heading"
    >
      <h2 id="cancel-heading">Cancel</h2>
      <p className="hint">Cancelling releases the stock and refunds what was captured.</p>
      <Field
        label="Reason (optional)"
        maxLength={500}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
      />
      <ErrorNotice error={cancel.error} />
      <button type="submit" className="danger" disabled={cancel.isPending}>
        Cancel order
      </button>
    </form>
  );
}

/** An order looked up by its number, with refund and cancel. */
export default function AdminOrdersPage() {
  useDocumentTitle('Orders');
  const [params, setParams] = useSearchParams();
  const id = params.get('id') ?? '';
  const [text, setText] = useState(id);
  const order = useOrder(id || undefined);
  const o = order.data;
  return (
    <section>
      <AreaNav area="admin" />
      <h1>Orders</h1>
      <form
        className="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setParams(text.trim() ? { id: text.trim() } : {});
        }}
      >
        <Field label="Order number" value={text} onChange={(e) => setText(e.target.value)} />
        <button type="submit">Find</button>
      </form>
      {id && order.isPending && <Loading label="Loading the order…" />}
      <ErrorNotice error={order.error} onRetry={() => void order.refetch()} />
      {o && (
        <>
          <h2>
            Order {o.id} <StatusBadge status={o.status} />
          </h2>
          <OrderView order={o} headingLevel={3} />
          <div className="columns">
            {['confirmed', 'shipped', 'delivered', 'partially_refunded'].includes(o.status) && (
              <RefundForm order={o} />
            )}
            {['pending', 'confirmed'].includes(o.status) && <CancelForm order={o} />}
          </div>
        </>
      )}
    </section>
  );
}
