import type { CloudEvent } from '../../platform/events/outbox.js';
import type { AnnouncedEvents, ConsumedEvents, ConsumedType } from './events.js';
import { formatMoney } from '../../platform/money.js';

/** Transactional messages always go; marketing ones only to users who opted in. */
export type Category = 'transactional' | 'marketing';

export interface Rendered {
  /** Who it concerns (the in-app notification's owner and the email's recipient). */
  userId: string;
  category: Category;
  title: string;
  /** One line for the in-app list. */
  summary: string;
  text: string;
  html: string;
  /** Whether to keep an in-app notification (a reset link belongs only in the mailbox). */
  inApp: boolean;
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, paragraphs: string[]): { text: string; html: string } {
  return {
    text: `${title}\n\n${paragraphs.join('\n\n')}\n\n-- Agora`,
    html: `<!doctype html><html><body style="font-family:sans-serif"><h1>${esc(title)}</h1>${paragraphs
      .map((p) => `<p>${esc(p)}</p>`)
      .join('')}<p style="color:#888">Agora</p></body></html>`,
  };
}

type Renderer<T extends ConsumedType> = (data: ConsumedEvents[T], publicUrl: string) => Rendered;

const renderers: { [T in ConsumedType]: Renderer<T> } = {
  'user.registered': (d) => ({
    userId: d.userId,
    category: 'transactional',
    title: 'Welcome to Agora',
    summary: 'Your account is ready.',
    inApp: true,
    ...page('Welcome to Agora', [`Hello ${d.name},`, 'your account is ready.']),
  }),
  'user.password_reset_requested': (d, url) => ({
    userId: d.userId,
    category: 'transactional',
    title: 'Reset your password',
    summary: 'A password reset was requested.',
    inApp: false,
    ...page('Reset your password', [
      'Someone asked to reset the password of your Agora account.',
      `Use this link before ${d.expiresAt}: ${url}/reset-password?token=${encodeURIComponent(d.token)}`,
      'If it was not you, ignore this message.',
    ]),
  }),
  'order.confirmed': (d) => ({
    userId: d.userId,
    category: 'transactional',
    title: `Order ${d.orderId} confirmed`,
    summary: `Your order of ${formatMoney(d.total)} is confirmed.`,
    inApp: true,
    ...page(`Order ${d.orderId} confirmed`, [
      `Thank you! Your order of ${formatMoney(d.total)} is confirmed.`,
    ]),
  }),
  'order.shipped': (d) => ({
    userId: d.userId,
    category: 'transactional',
    title: `Order ${d.orderId} shipped`,
    summary: `Shipped with ${d.carrier}, tracking ${d.trackingNumber}.`,
    inApp: true,
    ...page(`Order ${d.orderId} shipped`, [
      `It is on its way with ${d.carrier}.`,
      `Tracking number: ${d.trackingNumber}`,
    ]),
  }),
  'order.cancelled': (d) => {
    const cancelled = d.reason ? `Cancelled: ${d.reason}` : 'Your order was cancelled';
    return {
      userId: d.userId,
      category: 'transactional',
      title: `Order ${d.orderId} cancelled`,
      summary: d.refunded
        ? `${cancelled}; ${formatMoney(d.refunded)} refunded.`
        : d.reason
          ? cancelled
          : `${cancelled}.`,
      inApp: true,
      ...page(`Order ${d.orderId} cancelled`, [
        d.reason ? `Reason: ${d.reason}` : 'Your order was cancelled.',
        ...(d.refunded ? [`We refunded ${formatMoney(d.refunded)} to your payment method.`] : []),
      ]),
    };
  },
  'order.refunded': (d) => ({
    userId: d.userId,
    category: 'transactional',
    title: `Refund for order ${d.orderId}`,
    summary: `${formatMoney(d.amount)} refunded.`,
    inApp: true,
    ...page(`Refund for order ${d.orderId}`, [
      `We refunded ${formatMoney(d.amount)} to your payment method.`,
    ]),
  }),
  'inventory.low_stock': (d) => ({
    userId: d.sellerId,
    category: 'transactional',
    title: `Low stock: ${d.sku}`,
    summary: `${d.available} left (threshold ${d.threshold}).`,
    inApp: true,
    ...page(`Low stock: ${d.sku}`, [
      `Only ${d.available} units of ${d.sku} are available (threshold ${d.threshold}).`,
    ]),
  }),
};

/** Renders the message for an event. @throws Error for a type this module does not handle */
export function render(event: CloudEvent, publicUrl: string): Rendered {
  const renderer = renderers[event.type as ConsumedType] as Renderer<ConsumedType> | undefined;
  if (!renderer) throw new Error(`no template for ${event.type}`);
  return renderer(event.data as never, publicUrl);
}

/** The email announcing a flash sale to users who opted in to marketing emails. */
export function renderAnnouncement(
  d: AnnouncedEvents['flash_sale.started'],
  publicUrl: string,
): { subject: string; text: string; html: string } {
  const title = `Flash sale: ${d.name}`;
  const deals = (d.items ?? [])
    .slice(0, 5)
    .map((i) => `${i.sku} at ${formatMoney(i.salePrice)} (${i.quantity} units)`);
  const body = page(title, [
    `${d.name} is on now, until ${d.endsAt}. Quantities are limited.`,
    ...deals,
    `Shop it: ${publicUrl}/flash-sales/${encodeURIComponent(d.saleId)}`,
    'You receive this because you switched marketing emails on; switch them off in your account.',
  ]);
  return { subject: title, ...body };
}
