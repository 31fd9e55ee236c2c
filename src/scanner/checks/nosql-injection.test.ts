import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runScan } from '../engine/scan.js';

const ITEMS = [{ name: 'apple' }, { name: 'pear' }];

/** A search that hands the request's JSON to a Mongo-style matcher: {"$ne": x} means "anything but x". */
function matches(item: { name: string }, q: unknown): boolean {
  if (typeof q === 'string') return item.name === q;
  if (typeof q === 'object' && q !== null && '$ne' in q) return item.name !== (q as { $ne: unknown }).$ne;
  return false;
}

async function scan(vulnerable: boolean) {
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}') as { name?: unknown };
      const q = vulnerable || typeof body.name === 'string' ? body.name : undefined;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(ITEMS.filter((i) => matches(i, q))));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const spec = {
    openapi: '3.0.3',
    info: { title: 'search', version: '1' },
    paths: { '/search': { post: { 'x-rampart-safe': true, requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { name: { type: 'string' } } } } } }, responses: { '200': { description: 'ok' } } } } },
  };
  try {
    return await runScan({ spec, target: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, checks: ['nosql-injection'], rate: 500 });
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
}

describe('NoSQL operator injection in JSON bodies', () => {
  it('is found where the server evaluates operators', async () => {
    const r = await scan(true);
    expect(r.findings.map((f) => f.title)).toEqual(['NoSQL operator injection in body field "name" of POST /search']);
  });
  it('is not reported where objects are refused as values', async () => {
    expect((await scan(false)).findings).toEqual([]);
  });
});
