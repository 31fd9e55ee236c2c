import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoStack, type DemoStack } from './demo-stack.js';
import { exchange, type RawResponse } from './exchange.js';

/**
 * Canonical path + router + authorization cannot be talked round: however `/users/2` is spelt (letter case,
 * percent-encoded unreserved characters, dot segments, repeated slashes, a trailing slash), alice (user 1) can
 * never PUT or DELETE user 2, nor read user 2's orders, and no such request reaches the API.
 */
const RUNS = Number(process.env.FUZZ_BYPASS_RUNS ?? 400);

let stack: DemoStack;
beforeAll(async () => {
  stack = await startDemoStack();
});
afterAll(async () => {
  await stack?.close();
});

const pct = (c: string) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');

/** One spelling of a literal segment: each character kept, case-flipped, or percent-encoded (either hex case). */
function spell(segment: string): fc.Arbitrary<string> {
  return fc
    .tuple(...[...segment].map((c) => fc.constantFrom(c, c.toUpperCase(), pct(c), pct(c).toLowerCase(), pct(c.toUpperCase()))))
    .map((cs) => cs.join(''));
}

const slash = fc.constantFrom('/', '/', '/', '//', '///', '/./', '/%2e/', '/%2E/', '/x/../', '/x/%2e%2e/', '/./x/../');
const tail = fc.constantFrom('', '', '/', '//', '/.', '/%2e', '?', '?id=1', '?x=1&id=1', '/x/..', '/.?id=1');

/** Spellings of the id an upstream might still read as 2 (leading zero, sign, double encoding, NUL...). */
const oddTwo = fc.constantFrom('%2532', '2%00', '2%3B', '02', '+2', '2.0', '%202', '2%20', '2%09', '0x2', '2e0', '%EF%BC%92', '２');
const id = fc.oneof({ weight: 4, arbitrary: spell('2') }, { weight: 1, arbitrary: oddTwo });

/** A spelling of /users/2, or of /users/2/orders. */
const userTwo = (orders: boolean): fc.Arbitrary<string> =>
  fc
    .tuple(fc.constantFrom('', '/x/..', '/.', '//x/..'), slash, spell('users'), slash, id, orders ? fc.tuple(slash, spell('orders')).map(([s, o]) => s + o) : fc.constant(''), tail)
    .map(([pre, s1, u, s2, two, o, t]) => pre + s1.replace(/^\/?/, '/') + u + s2 + two + o + t);

async function send(method: string, target: string, token: string): Promise<RawResponse> {
  const body = method === 'PUT' || method === 'POST' ? '{"name":"mallory"}' : '';
  const raw = `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  const r = await exchange(stack.gw.port, raw, { timeoutMs: 5000 });
  if (r.kind !== 'response') throw new Error(`${method} ${target}: ${r.kind}`);
  return r.response;
}

describe('no spelling of /users/2 lets alice write user 2', () => {
  it('the plain path is 403 for alice and reaches the API for the admin (the test can tell the difference)', async () => {
    expect((await send('PUT', '/users/2', stack.creds.alice)).status).toBe(403);
    expect((await send('DELETE', '/users/2', stack.creds.alice)).status).toBe(403);
    expect((await send('GET', '/users/2/orders', stack.creds.alice)).status).toBe(403);
    expect((await send('PUT', '/users/2', stack.creds.admin)).status).toBe(200);
    // The same spellings do reach user 1 for alice: canonicalisation really maps them onto the route.
    expect((await send('PUT', '/%75sers//./1/', stack.creds.alice)).status).toBe(200);
  });

  it(`${RUNS} generated spellings: only 400/403/404/405, never through to the API`, async () => {
    const counts = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.tuple(fc.constantFrom('PUT', 'DELETE'), userTwo(false)), fc.tuple(fc.constantFrom('GET', 'POST'), userTwo(true))), async ([method, target]) => {
        const before = stack.recorder.all.length;
        const r = await send(method, target, stack.creds.alice);
        counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
        expect([400, 403, 404, 405], `${method} ${target} -> ${r.status} ${r.body.toString('utf8').slice(0, 200)}`).toContain(r.status);
        expect(r.headers['content-type']).toBe('application/problem+json');
        const reached = stack.recorder.all.slice(before).filter((s) => s.headers['x-request-id'] !== undefined);
        expect(reached.map((s) => `${s.method} ${s.url}`)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
    // The spellings were canonicalised onto the route and refused by authorization (not merely unroutable).
    expect(counts.get(403) ?? 0, JSON.stringify([...counts])).toBeGreaterThan(RUNS / 2);
  }, 60_000);
});
