import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient } from '../../../core/stores/counter/redis.js';
import { dropPrefix, runPrefix, waitReady } from '../../../core/stores/counter/testing/redis-helpers.js';
import { serviceAvailable } from '../../../testing/services.js';
import { startUpstream, type TestUpstream } from '../../../testing/gateway.js';

const up = await serviceAvailable('redis', 6379);
// The CLI from source (what bin/rampart.js runs from dist/ after the build), so no stale build is tested.
const CLI = fileURLToPath(new URL('../../../cli/run.ts', import.meta.url));
const LIMIT = 20;

const config = (upstreamUrl: string, prefix: string) => `
version: 1
listen: { port: 0 }
admin: { enabled: false }
log: { level: info, accessLog: false }
rateLimit:
  store: { kind: redis, url: "redis://127.0.0.1:6379", prefix: "${prefix}", timeoutMs: 5000, onFailure: closed }
upstreams:
  app: { targets: ["${upstreamUrl}"] }
routes:
${['gcra', 'token-bucket', 'fixed-window', 'sliding-window']
  .map(
    (a) => `  - id: ${a}
    match: { path: /${a} }
    upstream: app
    rateLimit:
      policies: [{ name: ${a}, algorithm: ${a}, limit: ${LIMIT}, per: 10m, key: [ip] }]`,
  )
  .join('\n')}
`;

/** `rampart serve --config FILE` in a child process; resolves with its URL from the "listening" log line. */
function startInstance(file: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '--config', file, '--no-watch'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`instance did not start in time: ${err}`));
    }, 20_000);
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*rampart gateway listening/.exec(out);
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`instance exited with ${code}: ${err}${out}`));
    });
  });
}

/**
 * Three gateway processes sharing one Redis; requests spread over them concurrently. The decision is one
 * atomic script in Redis, so the number accepted is exactly the limit for every algorithm (the sliding
 * window's documented 2x bound concerns traffic spread across a window edge, not a burst inside one).
 */
describe.skipIf(!up)('three `rampart serve` processes sharing Redis', () => {
  let upstream: TestUpstream;
  const instances: { child: ChildProcess; url: string }[] = [];
  const prefix = runPrefix('gw-multi');
  const dir = mkdtempSync(join(tmpdir(), 'rampart-multi-'));

  beforeAll(async () => {
    upstream = await startUpstream();
    const file = join(dir, 'rampart.yaml');
    writeFileSync(file, config(upstream.url, prefix));
    instances.push(...(await Promise.all([0, 1, 2].map(() => startInstance(file)))));
  }, 60_000);

  afterAll(async () => {
    for (const i of instances) {
      i.child.kill('SIGTERM');
      await new Promise((ok) => (i.child.exitCode === null ? i.child.once('exit', ok) : ok(undefined)));
    }
    await upstream?.close();
    const c = createRedisClient('redis://127.0.0.1:6379', 500);
    await waitReady(c);
    await dropPrefix(c, prefix);
    c.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it.each(['gcra', 'token-bucket', 'fixed-window', 'sliding-window'])('%s: 90 concurrent requests over 3 instances admit exactly the limit', async (algorithm) => {
    const statuses = await Promise.all(
      Array.from({ length: 90 }, async (_, n) => {
        const res = await fetch(`${instances[n % 3]?.url ?? ''}/${algorithm}`);
        await res.arrayBuffer();
        return res.status;
      }),
    );
    const tally = statuses.reduce<Record<number, number>>((t, s) => ({ ...t, [s]: (t[s] ?? 0) + 1 }), {});
    expect(tally).toEqual({ 200: LIMIT, 429: 90 - LIMIT });
  });
});
