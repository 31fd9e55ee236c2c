import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { serviceAvailable } from '../../testing/services.js';
import { runScan } from '../engine/scan.js';

const postgres = await serviceAvailable('postgresql', 5432);

/** A blind endpoint: the value reaches PostgreSQL by concatenation, the answer never changes (only time can tell). */
describe.skipIf(!postgres)('time-based SQL injection against a real PostgreSQL', () => {
  it('is found by a sleep, a zero-second control and a repeat', async () => {
    const db = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
    await db.connect();
    const server = createServer((req, res) => {
      const term = new URL(req.url ?? '/', 'http://x').searchParams.get('term') ?? '';
      db.query(`SELECT count(*) FROM (VALUES ('a'), ('b')) AS t(n) WHERE n = '${term}'`).then(
        () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"logged":true}'),
        () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"logged":true}'),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const spec = { openapi: '3.0.3', info: { title: 'blind', version: '1' }, paths: { '/log': { get: { parameters: [{ name: 'term', in: 'query', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'ok' } } } } } };
    try {
      const r = await runScan({ spec, target: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, checks: ['sql-injection'], rate: 200 });
      const f = r.findings.find((x) => x.checkId === 'sql-injection');
      expect(f?.title).toBe('SQL injection in "term" of GET /log (time-based)');
      expect(f!.evidence).toHaveLength(3);
      expect(f!.evidence[0]!.response.durationMs - f!.evidence[1]!.response.durationMs).toBeGreaterThan(1500);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await db.end();
    }
  }, 30_000);
});
