import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoOpenApiPath, startDemoApi, type DemoApi } from '../../src/demo/users-api.js';
import { parseAuthFile } from '../../src/scanner/auth/identities.js';
import { runScan } from '../../src/scanner/engine/scan.js';
import { compareScans, type Comparison } from '../../src/scanner/compare.js';
import type { ScanResult } from '../../src/scanner/types.js';
import { startTestGateway, type TestGateway } from '../../src/testing/gateway.js';

/**
 * The loop the product promises: scan the naive demo API directly, then through Rampart with
 * examples/demo.yaml, and check that the flaws the gateway covers are gone (and that it adds none).
 */
describe('scanning the demo directly and through Rampart', () => {
  let api: DemoApi;
  let gw: TestGateway;
  let direct: ScanResult;
  let gated: ScanResult;
  let cmp: Comparison;
  beforeAll(async () => {
    api = await startDemoApi({ port: 0 });
    // The scanner's own pace (and its three logins) would trip the demo's 20/s and 5-logins-a-minute limits
    // long before it finished probing; raise them, keep everything else as shipped.
    const yaml = readFileSync(new URL('../../examples/demo.yaml', import.meta.url), 'utf8')
      .replaceAll('{ name: per-client, limit: 20, per: 1s, key: [ip] }', '{ name: per-client, limit: 2000, per: 1s, key: [ip] }')
      .replace('{ name: login, limit: 5, per: 1m, key: [ip] }', '{ name: login, limit: 12, per: 1m, key: [ip] }');
    const env = { DEMO_API_URL: api.url, RAMPART_KEYS_DB: join(mkdtempSync(join(tmpdir(), 'rampart-scan-')), 'keys.db') };
    gw = await startTestGateway(yaml, env, { configFile: new URL('../../examples/demo.yaml', import.meta.url).pathname });
    const auth = parseAuthFile(readFileSync(new URL('../../src/scanner/testing/demo-auth.yaml', import.meta.url), 'utf8'), 'demo-auth.yaml');
    direct = await runScan({ spec: demoOpenApiPath(), target: api.url, auth, destructive: true });
    gated = await runScan({ spec: demoOpenApiPath(), target: gw.url, auth, destructive: true });
    cmp = compareScans(direct, gated);
  }, 150_000);
  afterAll(async () => {
    await gw?.close();
    await api?.close();
  });

  it('the gateway removes the flaws it covers', () => {
    const blocked = new Set(cmp.blocked.map((f) => f.checkId));
    for (const id of ['bola-read', 'bola-write', 'data-exposure', 'mass-assignment', 'bfla', 'verbose-errors']) {
      expect(blocked.has(id), `${id} should be blocked; remaining: ${cmp.remaining.map((f) => f.checkId).join(', ')}`).toBe(true);
    }
  });

  it('and introduces none of consequence', () => {
    const serious = cmp.introduced.filter((f) => f.severity === 'high' || f.severity === 'critical');
    expect(serious.map((f) => `${f.checkId} ${f.operation ?? ''}`)).toEqual([]);
  });
});
