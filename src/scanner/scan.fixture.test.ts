import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScan } from './engine/scan.js';
import { CHECKS } from './checks/registry.js';
import { fixtureAuth, startFixtureApi, type FixtureApi } from './testing/fixture-api.js';
import type { ScanResult } from './types.js';

/** Every check and the fixture flaw it must find (operation, or a key phrase for target-wide findings). */
const EXPECTED: Readonly<Record<string, string>> = {
  'credentials-in-query': 'GET /export',
  'auth-missing': 'GET /reports',
  'jwt-weak-secret': 'dictionary word',
  'jwt-forgery': '"alg":"none"',
  'bola-read': 'GET /notes/{noteId}',
  'bola-write': 'DELETE /notes/{noteId}',
  bfla: 'GET /admin/stats',
  'data-exposure': 'GET /users/{id}',
  'undeclared-properties': 'GET /users/{id}',
  'security-headers': 'X-Content-Type-Options',
  cors: 'credentials',
  'version-disclosure': 'FixtureServer/1.2.3',
  'trace-enabled': 'TRACE',
  inventory: '/api/v1/notes',
  'verbose-errors': 'POST /notes',
  'schema-conformance': 'GET /health',
  'server-error': 'GET /notes/{noteId}',
  'sql-injection': 'GET /notes',
  'nosql-injection': '$ne',
  'path-traversal': 'GET /files',
  'reflected-xss': 'GET /search',
  ssrf: 'GET /preview',
  'redirect-following': 'GET /preview',
  'command-injection': 'GET /tools/ping',
  redos: 'GET /validate',
  'page-size-uncapped': 'GET /notes',
  'mass-assignment': 'PATCH /users/{id}',
  'flow-automation': 'POST /invites',
  'method-switching': 'PUT /notes/{noteId}',
  'oversized-payload': 'POST /notes',
  'user-enumeration': 'accounts exist',
  'no-rate-limit': 'No rate limit',
  'login-no-limit': 'unlimited password guesses',
};

describe('scanning the flawed fixture API', () => {
  let api: FixtureApi;
  let result: ScanResult;
  beforeAll(async () => {
    api = await startFixtureApi({ hardened: false });
    result = await runScan({ spec: api.spec, target: api.url, auth: fixtureAuth(), destructive: true, rate: 300 });
  }, 90_000);
  afterAll(() => api.close());

  it('has one expected flaw for every registered check', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(CHECKS.map((c) => c.id).sort());
  });

  it.each(Object.entries(EXPECTED))('%s finds its flaw, in its category', (id, where) => {
    const def = CHECKS.find((c) => c.id === id)!;
    const mine = result.findings.filter((f) => f.checkId === id);
    expect(mine.length, `${id} found nothing; outcome: ${JSON.stringify(result.checks.find((c) => c.id === id))}`).toBeGreaterThan(0);
    expect(mine.some((f) => (f.operation ?? '').includes(where) || f.title.includes(where) || f.detail.includes(where))).toBe(true);
    for (const f of mine) {
      expect(f.owasp).toBe(def.owasp);
      expect(f.cwe).toBe(def.cwe);
      expect(f.fingerprint).toMatch(/^[0-9a-f]{16}$/);
      // Only the document-based check speaks without a request.
      if (id !== 'credentials-in-query') {
        expect(f.evidence.length).toBeGreaterThan(0);
        expect(f.curl).toMatch(/^curl -i -X [A-Z]+ 'http:\/\/127\.0\.0\.1:\d+\//);
      }
    }
  });

  it('finds BOLA through a query parameter too', () => {
    expect(result.findings.some((f) => f.checkId === 'bola-read' && f.operation === 'GET /activity' && f.title.includes('?userId='))).toBe(true);
  });

  it('shows credentials only as placeholders in evidence (forged tokens are the evidence of jwt-forgery)', () => {
    const all = JSON.stringify(result.findings.filter((f) => f.checkId !== 'jwt-forgery').flatMap((f) => f.evidence.map((e) => e.request.headers)));
    expect(all).not.toMatch(/Bearer ey/);
    expect(all).toContain('<credentials of');
  });

  it('reports API6 and API10 as partial (with the reason), and counts requests and time', () => {
    const cov = Object.fromEntries(result.coverage.map((c) => [c.category, c.status]));
    expect(cov['API6:2023']).toBe('partial');
    expect(cov['API10:2023']).toBe('partial');
    expect(cov['API1:2023']).toBe('covered');
    expect(result.requestCount).toBeGreaterThan(100);
    expect(result.durationMs).toBeLessThan(60_000);
  });
});

describe('scanning the hardened twin', () => {
  it('reports nothing, with every check run', async () => {
    const api = await startFixtureApi({ hardened: true });
    try {
      const r = await runScan({ spec: api.spec, target: api.url, auth: fixtureAuth(), destructive: true, rate: 300 });
      expect(r.findings.map((f) => `${f.checkId}: ${f.title}`)).toEqual([]);
      expect(r.checks.filter((c) => c.status !== 'ran').map((c) => `${c.id}: ${c.reason ?? ''}`)).toEqual([]);
    } finally {
      await api.close();
    }
  }, 90_000);
});

describe('safe by default', () => {
  it('without --destructive sends no write and skips the checks that need one', async () => {
    const api = await startFixtureApi({ hardened: false });
    try {
      const r = await runScan({ spec: api.spec, target: api.url, auth: fixtureAuth(), rate: 300, checks: ['bola-write', 'mass-assignment', 'oversized-payload', 'verbose-errors', 'server-error', 'bola-read'] });
      const writes = r.findings.flatMap((f) => f.evidence).filter((e) => !['GET', 'HEAD', 'OPTIONS'].includes(e.request.method) && !(e.request.body ?? '').startsWith('{"rampart": '));
      expect(writes).toEqual([]);
      expect(r.checks.filter((c) => c.status === 'skipped').map((c) => c.id).sort()).toEqual(['bola-write', 'mass-assignment', 'oversized-payload']);
      // BOLA needs no write: alice's user id comes from her token, her notes from her list (which bob's lacks).
      expect(r.findings.some((f) => f.checkId === 'bola-read' && f.operation === 'GET /users/{id}')).toBe(true);
      expect(r.findings.some((f) => f.checkId === 'bola-read' && f.operation === 'GET /notes/{noteId}')).toBe(true);
    } finally {
      await api.close();
    }
  }, 60_000);
});
