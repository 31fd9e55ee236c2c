/**
 * Micro-benchmark of the engine: a ~1 KB JSON body (the ../shared/bench POST scenario shape), a GET with a query,
 * and an attack, each inspected in a tight loop after warm-up.
 *
 *   npx tsx src/detection/bench/inspect-bench.ts [iterations]
 */
import { createInspector, type InspectRequest } from '../index.js';

const body = JSON.stringify({
  id: 12345,
  name: "Anne-Marie O'Connor",
  email: 'anne-marie.oconnor@example.com',
  address: { street: '221B Baker Street', city: 'London', postcode: 'NW1 6XE', country: 'GB' },
  bio: 'Product manager; likes hiking, select wines and union-made coffee. Previously at Example Corp (2015-2020).',
  tags: ['vip', 'beta-tester', 'newsletter'],
  preferences: { theme: 'dark', language: 'en-GB', notifications: { email: true, sms: false } },
  orders: [
    { id: 'ord_8f3a2b', total: 129.99, currency: 'EUR', status: 'shipped', items: [{ sku: 'SKU-001', qty: 2 }, { sku: 'SKU-042', qty: 1 }] },
    { id: 'ord_9c1d7e', total: 15.5, currency: 'EUR', status: 'delivered', items: [{ sku: 'SKU-007', qty: 3 }] },
  ],
  website: 'https://www.example.com/~anne/portfolio?ref=profile',
  createdAt: '2023-11-28T15:18:20Z',
  note: 'Call after 5pm - ask for the "premium" plan & discount code SPRING24.',
});

const cases: Record<string, InspectRequest> = {
  'POST 1 KB JSON (benign)': { method: 'POST', path: '/users', query: '', headers: { host: 'api.example.com', 'content-type': 'application/json', 'user-agent': 'k6/0.49.0 (https://k6.io/)', accept: 'application/json' }, body },
  'GET with query (benign)': { method: 'GET', path: '/api/v1/search', query: 'q=running%20shoes&page=2&sort=price%3Aasc&filter%5Bbrand%5D=acme', headers: { host: 'api.example.com', 'user-agent': 'Mozilla/5.0', referer: 'https://shop.example.com/' } },
  'GET SQL injection': { method: 'GET', path: '/items', query: "id=1'%20UNION%20SELECT%20password%20FROM%20users--", headers: { host: 'api.example.com' } },
};

const n = Number(process.argv[2] ?? 20000);
const inspector = createInspector();
console.log(`body bytes: ${Buffer.byteLength(body)}`);
for (const [name, req] of Object.entries(cases)) {
  for (let i = 0; i < 2000; i++) inspector.inspect(req);
  const samples: number[] = [];
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const s = process.hrtime.bigint();
    inspector.inspect(req);
    if (i % 10 === 0) samples.push(Number(process.hrtime.bigint() - s) / 1000);
  }
  const total = Number(process.hrtime.bigint() - t0) / 1000 / n;
  samples.sort((a, b) => a - b);
  const p = (q: number) => (samples[Math.floor(q * (samples.length - 1))] ?? 0).toFixed(1);
  console.log(`${name.padEnd(28)} mean ${total.toFixed(1)} µs  p50 ${p(0.5)} µs  p99 ${p(0.99)} µs  (${n} runs)`);
}
