import { Socket } from 'node:net';

/**
 * Tests that need a real service (Redis, PostgreSQL, Chromium) call this in a `beforeAll`-free way:
 *
 *   const redis = await serviceAvailable('redis', 6379);
 *   describe.skipIf(!redis)(...)
 *
 * Locally a missing service skips those tests with a printed reason; under CI=true it throws, so CI fails.
 */
export async function serviceAvailable(name: string, port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  const up = await new Promise<boolean>((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('error', () => done(false));
    s.connect(port, host, () => done(true));
  });
  return requireOrSkip(name, up, `nothing listens on ${host}:${port}`);
}

/** Under CI=true a missing dependency is an error; elsewhere it prints why the tests are skipped. */
export function requireOrSkip(name: string, available: boolean, why: string): boolean {
  if (available) return true;
  if (process.env.CI === 'true') throw new Error(`${name} is required under CI=true but ${why}`);
  console.warn(`[skip] ${name} tests skipped: ${why}`);
  return false;
}
