import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient } from '../../../core/stores/counter/redis.js';
import { dropPrefix, runPrefix, waitReady } from '../../../core/stores/counter/testing/redis-helpers.js';
import { serviceAvailable } from '../../../testing/services.js';
import { startUpstream, type TestUpstream } from '../../../testing/gateway.js';

const up = await serviceAvailable('redis', 6379);
const INSTANCE = fileURLToPath(new URL('./testing/instance.ts', import.meta.url));
const LIMIT = 20;

const config = (upstreamUrl: string) => `
version: 1
log: { level: warn, accessLog: false }
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

/** Start one gateway process and wait for its URL (bounded). */
function startInstance(yaml: string, prefix: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', INSTANCE], {
    env: { ...process.env, RAMPART_TEST_CONFIG: yaml, RAMPART_TEST_RATE_LIMIT: JSON.stringify({ store: { kind: 'redis', url: 'redis://127.0.0.1:6379', prefix, timeoutMs: 5000, onFailure: 'closed' } }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
      const line = out.split('\n')[0] ?? '';
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve({ child, url: (JSON.parse(line) as { url: string }).url });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`instance exited with ${code}: ${err}`));
    });
  });
}

/**
 * Three gateway processes sharing one Redis; requests spread over them concurrently. The decision is one
 * atomic script in Redis, so the number accepted is exactly the limit for every algorithm (the sliding
 * window's documented 2x bound concerns traffic spread across a window edge, not a burst inside one).
 */
describe.skipIf(!up)('three gateway processes sharing Redis', () => {
  let upstream: TestUpstream;
  const instances: { child: ChildProcess; url: string }[] = [];
  const prefix = runPrefix('gw-multi');

  beforeAll(async () => {
    upstream = await startUpstream();
    const yaml = config(upstream.url);
    instances.push(...(await Promise.all([0, 1, 2].map(() => startInstance(yaml, prefix)))));
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
