// Starter scripts offered on "New script": one working example per trigger type.
import type { ScriptType } from '../domain/script.js';

export interface ScriptTemplate {
  readonly key: string;
  readonly title: string;
  readonly summary: string;
  readonly values: {
    readonly name: string;
    readonly description: string;
    readonly type: ScriptType;
    readonly source: string;
    readonly cronExpression?: string;
    readonly timezone?: string;
    readonly httpPath?: string;
    readonly httpMethods?: readonly string[];
    readonly httpAuth?: 'token' | 'public';
    readonly eventTypes?: readonly string[];
  };
}

export const TEMPLATES: readonly ScriptTemplate[] = [
  {
    key: 'scheduled-export',
    title: 'Scheduled export',
    summary: 'Every night, sums yesterday’s paid orders and publishes a report event.',
    values: {
      name: 'Nightly sales export',
      description: 'Totals the previous day’s paid orders and publishes reports.sales.exported.',
      type: 'scheduled',
      cronExpression: '0 2 * * *',
      timezone: 'UTC',
      source: `// Runs every night at 02:00 (see the schedule below).
const since = new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString();
const rows = await sdk.db.query(
  'SELECT count(*)::int AS orders, coalesce(sum(total), 0)::float AS revenue FROM orders WHERE status = $1 AND created_at >= $2',
  ['paid', since],
);
const report = { since, ...rows[0] };
sdk.log.info('sales export ready', report);
await events.publish('reports.sales.exported', report);
return report;
`,
    },
  },
  {
    key: 'webhook-handler',
    title: 'Webhook handler',
    summary: 'Receives a payment webhook, records it and answers with JSON.',
    values: {
      name: 'Payment webhook',
      description: 'Records incoming payment notifications from the payment provider.',
      type: 'http',
      httpPath: '/payments/:provider',
      httpMethods: ['POST'],
      httpAuth: 'token',
      source: `// POST /hooks/{tenant}/payments/:provider
const req = context.trigger.httpRequest;
const body = req.body ?? {};
if (typeof body.amount !== 'number' || !body.orderId) {
  return { status: 400, body: { error: 'amount (number) and orderId are required' } };
}
const id = await sdk.db.queryOne(
  'INSERT INTO payments (order_id, amount, method, status) VALUES ($1, $2, $3, $4) RETURNING id',
  [body.orderId, body.amount, req.params.provider, 'received'],
);
sdk.log.info('payment recorded', { paymentId: id?.id, provider: req.params.provider });
return { status: 201, body: { received: true, paymentId: id?.id } };
`,
    },
  },
  {
    key: 'event-receipt',
    title: 'Event receipt',
    summary: 'When an order is paid, builds a receipt and remembers it in the cache.',
    values: {
      name: 'Order receipt',
      description: 'Creates a receipt when sales.order.paid is published.',
      type: 'event',
      eventTypes: ['sales.order.paid'],
      source: `// Triggered by the event sales.order.paid
const order = context.trigger.eventPayload ?? {};
const receipt = {
  number: 'R-' + String(order.orderId ?? 'unknown'),
  amount: order.amount ?? 0,
  issuedAt: new Date().toISOString(),
};
await sdk.cache.set('receipt:' + receipt.number, receipt, 86400);
sdk.log.info('receipt issued', receipt);
return receipt;
`,
    },
  },
  {
    key: 'price-calculator',
    title: 'Embedded price calculator',
    summary: 'Called by the host application to price a cart with volume discounts.',
    values: {
      name: 'Price calculator',
      description: 'Prices a cart: volume discount and VAT. Called from the host application.',
      type: 'embedded',
      source: `// Input: { items: [{ sku, unitPrice, quantity }], vatRate? }
const { items = [], vatRate = 0.2 } = context.input;
let subtotal = 0;
for (const item of items) {
  const qty = Number(item.quantity) || 0;
  const discount = qty >= 100 ? 0.15 : qty >= 10 ? 0.05 : 0;
  subtotal += qty * Number(item.unitPrice || 0) * (1 - discount);
}
const round = (n) => Math.round(n * 100) / 100;
return { subtotal: round(subtotal), vat: round(subtotal * vatRate), total: round(subtotal * (1 + vatRate)) };
`,
    },
  },
  {
    key: 'blank',
    title: 'Blank one-off script',
    summary: 'An empty script you run by hand with a JSON input.',
    values: {
      name: '',
      description: '',
      type: 'oneoff',
      source: `// context.input holds the JSON input of a manual run.
sdk.log.info('hello', { input: context.input });
return { ok: true };
`,
    },
  },
];

export function findTemplate(key: string | undefined): ScriptTemplate | undefined {
  return TEMPLATES.find((t) => t.key === key);
}
