import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { startTestGateway, startUpstream, type TestUpstream } from '../../src/testing/gateway.js';
import { loadConfigFile } from '../../src/core/config/load.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

function configFor(up: TestUpstream, header: string): string {
  return `
version: 1
upstreams:
  app: { targets: ["${up.url}"] }
routes:
  - { id: ${header}, match: { path: "/**" }, upstream: app }
`;
}

describe('hot reload', () => {
  it('swaps configs under traffic with zero failed requests; an invalid config is refused and the old one keeps serving', async () => {
    const a = await startUpstream((_q, r) => r.end('a'));
    const b = await startUpstream((_q, r) => setTimeout(() => r.end('b'), 5));
    cleanups.push(() => a.close(), () => b.close());
    const dir = mkdtempSync(join(tmpdir(), 'rampart-reload-'));
    const file = join(dir, 'rampart.yaml');
    writeFileSync(file, configFor(a, 'first'));
    const loaded = loadConfigFile(file);
    if (!loaded.ok) throw new Error('bad test config');
    const gw = await startTestGateway(configFor(a, 'first'), {}, { configFile: file });
    cleanups.push(() => gw.close());

    const agent = new Agent({ connections: 8 });
    cleanups.push(() => agent.close());
    let stop = false;
    const failures: string[] = [];
    const seen = new Set<string>();
    const worker = async () => {
      for (let i = 0; i < 400 && !stop; i++) {
        try {
          const res = await request(`${gw.url}/x`, { dispatcher: agent });
          const text = await res.body.text();
          if (res.statusCode !== 200) failures.push(`${res.statusCode} ${text}`);
          else seen.add(text);
        } catch (err) {
          failures.push(String(err));
        }
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, worker));
    for (let round = 0; round < 6; round++) {
      await new Promise((r) => setTimeout(r, 40));
      const next = round % 2 === 0 ? configFor(b, `second${round}`) : configFor(a, `first${round}`);
      // Replace atomically, as editors and config management do.
      writeFileSync(`${file}.tmp`, next);
      renameSync(`${file}.tmp`, file);
      const result = await gw.gateway.reload();
      expect(result.ok).toBe(true);
    }
    writeFileSync(file, 'version: 1\nroutes: []\nupstreams: {}\n');
    const refused = await gw.gateway.reload();
    expect(refused.ok).toBe(false);
    expect(gw.logs.some((l) => String(l.msg).startsWith('config reload refused'))).toBe(true);
    stop = true;
    await load;
    expect(failures).toEqual([]);
    expect([...seen].sort()).toEqual(['a', 'b']);
    // The last good config still serves.
    const res = await request(`${gw.url}/x`, { dispatcher: agent });
    expect(res.statusCode).toBe(200);
    await res.body.text();
  });

  it('reloads when the file changes on disk', async () => {
    const a = await startUpstream((_q, r) => r.end('a'));
    const b = await startUpstream((_q, r) => r.end('b'));
    cleanups.push(() => a.close(), () => b.close());
    const dir = mkdtempSync(join(tmpdir(), 'rampart-watch-'));
    const file = join(dir, 'rampart.yaml');
    writeFileSync(file, configFor(a, 'first'));
    const gw = await startTestGateway(configFor(a, 'first'), {}, { configFile: file });
    cleanups.push(() => gw.close());
    gw.gateway.watchConfig();
    expect(await (await fetch(`${gw.url}/x`)).text()).toBe('a');
    writeFileSync(file, configFor(b, 'second'));
    const deadline = Date.now() + 5000;
    let body = 'a';
    while (body !== 'b' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      body = await (await fetch(`${gw.url}/x`)).text();
    }
    expect(body).toBe('b');
  });
});

describe('graceful shutdown', () => {
  it('finishes in-flight requests, refuses new connections, and returns', async () => {
    const up = await startUpstream((_q, r) => setTimeout(() => r.end('done'), 300));
    cleanups.push(() => up.close());
    const gw = await startTestGateway(configFor(up, 'slow'));
    const inflight = fetch(`${gw.url}/slow`).then(async (r) => [r.status, await r.text()] as const);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    const closing = gw.close();
    await new Promise((r) => setTimeout(r, 20));
    await expect(fetch(`${gw.url}/new`)).rejects.toThrow();
    expect(await inflight).toEqual([200, 'done']);
    await closing;
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('is bounded: a request that never finishes is cut at the shutdown timeout', async () => {
    const up = await startUpstream(() => undefined); // never answers
    cleanups.push(() => up.close());
    const gw = await startTestGateway(`
version: 1
listen: { shutdownTimeoutMs: 300 }
upstreams:
  app: { targets: ["${up.url}"] }
routes:
  - { id: hang, match: { path: "/**" }, upstream: app }
`);
    const hanging = fetch(`${gw.url}/hang`).catch(() => 'cut');
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await gw.close();
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(await hanging).toBe('cut');
  });
});
