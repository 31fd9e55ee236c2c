import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoOpenApiPath, startDemoApi } from '../demo/users-api.js';
import { parseAuthFile } from './auth/identities.js';
import { runScan } from './engine/scan.js';
import { readFileSync } from 'node:fs';
import type { ScanResult } from './types.js';

/** The demo users API (src/demo) is deliberately vulnerable: the scanner must find its flaws, fast. */
describe('scanning the demo users API', () => {
  let api: { url: string; close(): Promise<void> };
  let result: ScanResult;
  beforeAll(async () => {
    api = await startDemoApi({ port: 0 });
    const auth = parseAuthFile(readFileSync(new URL('./testing/demo-auth.yaml', import.meta.url), 'utf8'), 'demo-auth.yaml');
    result = await runScan({ spec: demoOpenApiPath(), target: api.url, auth, destructive: true });
  }, 70_000);
  afterAll(() => api.close());

  const found = (check: string, operation?: string) => result.findings.some((f) => f.checkId === check && (operation === undefined || f.operation === operation));

  it('finds BOLA: bob reads and changes alice', () => {
    expect(found('bola-read', 'GET /users/{id}')).toBe(true);
    expect(found('bola-write', 'PUT /users/{id}')).toBe(true);
  });
  it('finds mass assignment of role', () => expect(found('mass-assignment')).toBe(true));
  it('finds the password hash in responses', () => expect(found('data-exposure', 'GET /users/{id}')).toBe(true));
  it('finds DELETE without an admin check', () => expect(found('bfla', 'DELETE /users/{id}')).toBe(true));
  it('finds verbose 500s', () => expect(found('verbose-errors')).toBe(true));
  it('finds no limit on login', () => expect(found('login-no-limit')).toBe(true));
  it('reports no SQL injection (the demo binds parameters)', () => expect(found('sql-injection')).toBe(false));
  it('leaves the scan identities working (no probe deletes or rewrites them)', async () => {
    for (const u of ['alice', 'bob', 'admin']) {
      const res = await fetch(`${api.url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: u, password: `${u}-password` }) });
      expect(res.status, u).toBe(200);
    }
    expect(result.findings.flatMap((f) => f.evidence).some((e) => e.response.body.startsWith('not sent:'))).toBe(false);
  });
  it('finishes in under 60 s and counts its requests', () => {
    expect(result.durationMs).toBeLessThan(60_000);
    expect(result.requestCount).toBeGreaterThan(50);
  });
});
