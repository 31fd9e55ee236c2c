import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { scanCommand, type ScanIo } from '../cli/commands/scan.js';
import { fixtureAuth, startFixtureApi, type FixtureApi } from './testing/fixture-api.js';

function io(): ScanIo & { out: string; err: string } {
  const o = { out: '', err: '' };
  return Object.assign(o, { stdout: { write: (s: string) => (o.out += s) }, stderr: { write: (s: string) => (o.err += s) } });
}

describe('rampart scan (CLI)', () => {
  let api: FixtureApi;
  let dir: string;
  let spec: string;
  let auth: string;
  beforeAll(async () => {
    api = await startFixtureApi({ hardened: false });
    dir = mkdtempSync(join(tmpdir(), 'rampart-scan-cli-'));
    spec = join(dir, 'openapi.json');
    auth = join(dir, 'auth.yaml');
    writeFileSync(spec, JSON.stringify(api.spec));
    writeFileSync(auth, stringify(fixtureAuth()));
  });
  afterAll(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 2 on usage errors, naming the problem', async () => {
    for (const argv of [[], ['--spec', spec], ['--spec', spec, '--target', api.url, '--format', 'pdf'], ['--spec', spec, '--target', api.url, '--rate', '0'], ['--bogus']]) {
      const x = io();
      expect(await scanCommand(argv, x)).toBe(2);
      expect(x.err).toMatch(/rampart scan: /);
    }
    const unknown = io();
    expect(await scanCommand(['--spec', spec, '--target', api.url, '--checks', 'nope'], unknown)).toBe(2);
    expect(unknown.err).toContain('unknown check(s): nope');
  });

  it('exits 2 when the document, the auth file or the target is unusable', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'hello: world\n');
    const a = io();
    expect(await scanCommand(['--spec', bad, '--target', api.url], a)).toBe(2);
    expect(a.err).toContain('no "openapi: 3.x" or "swagger: 2.0" field');
    const b = io();
    expect(await scanCommand(['--spec', spec, '--target', api.url, '--auth', bad], b)).toBe(2);
    const c = io();
    expect(await scanCommand(['--spec', spec, '--target', 'http://127.0.0.1:1'], c)).toBe(2);
    expect(c.err).toContain('does not answer');
  });

  it('selects checks by OWASP category', async () => {
    const x = io();
    expect(await scanCommand(['--spec', spec, '--target', api.url, '--checks', 'API9', '--format', 'json', '--no-progress'], x)).toBe(1);
    const r = JSON.parse(x.out) as { checks: Array<{ id: string }> };
    expect(r.checks.map((c) => c.id)).toEqual(['inventory']);
  });

  it('lists checks and prints help', async () => {
    const x = io();
    expect(await scanCommand(['--list-checks'], x)).toBe(0);
    expect(x.out).toMatch(/^bola-read\s+API1:2023\s+CWE-639/m);
    const h = io();
    expect(await scanCommand(['--help'], h)).toBe(0);
    expect(h.out).toContain('Exit codes:');
  });

  it('writes a report, a suggested config, honours --fail-on and --baseline', async () => {
    const report = join(dir, 'report.json');
    const suggested = join(dir, 'rampart.yaml');
    const base = ['--spec', spec, '--target', api.url, '--auth', auth, '--checks', 'bola-read,cors,trace-enabled', '--rate', '200'];
    const x = io();
    expect(await scanCommand([...base, '--format', 'json', '--output', report, '--suggest-config', suggested], x)).toBe(1);
    const json = JSON.parse(readFileSync(report, 'utf8')) as { findings: Array<{ checkId: string }> };
    expect(new Set(json.findings.map((f) => f.checkId))).toEqual(new Set(['bola-read', 'cors', 'trace-enabled']));
    expect(x.err).toMatch(/\d+ requests in \d+\.\d s/);
    expect(readFileSync(suggested, 'utf8')).toContain('principal: subject');
    // Nothing at or above critical: exit 0.
    expect(await scanCommand([...base, '--format', 'json', '--output', report, '--fail-on', 'critical'], io())).toBe(0);
    // Everything already in the baseline: nothing new, exit 0, and the terminal says so.
    const y = io();
    expect(await scanCommand([...base, '--baseline', report], y)).toBe(0);
    expect(y.out).toContain('No findings.');
    expect(y.out).toMatch(/already in the baseline/);
  }, 30_000);
});
