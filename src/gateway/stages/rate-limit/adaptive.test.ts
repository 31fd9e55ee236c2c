import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Stage } from '../../pipeline/types.js';
import { RiskTracker, classify } from './adaptive.js';
import { decide, logRecord, request, stageFor, testEnv, type TestEnv } from './testing/harness.js';
import type { AdaptiveConfig } from './schema.js';

const cfg = (over: Partial<AdaptiveConfig> = {}): AdaptiveConfig => ({
  mode: 'enforce',
  halfLifeMs: 60_000,
  minFactor: 0.1,
  weights: { authFailure: 1, detection: 3, validation: 0.5, clientError: 0.1, serverError: 0.05, rateSurge: 1 },
  surgeRatio: 5,
  riskPerStep: 5,
  maxClients: 1000,
  ...over,
});

let env: TestEnv;
beforeEach(() => {
  env = testEnv();
});
afterEach(async () => {
  await env.dispose();
});

const bad = '198.51.100.66';
const good = '198.51.100.7';
const policy = { name: 'per-client', algorithm: 'gcra' as const, limit: 20, per: '1s', key: ['ip' as const], ipv4Prefix: 32, ipv6Prefix: 64, cost: 1, adaptive: true };

/** One call through the stage as the runner would make it; `status` 401 plays the authentication stage rejecting. */
async function call(stage: Stage, clientIp: string, status: number): Promise<string> {
  const ctx = request({ clientIp });
  const d = await decide(stage, ctx);
  const rec =
    d.kind === 'reject'
      ? logRecord(ctx, { status: 429, decision: 'reject', stage: 'rate-limit', problem: d.problem.code })
      : status === 401
        ? logRecord(ctx, { status: 401, decision: 'reject', stage: 'authentication', problem: 'unauthorized' })
        : logRecord(ctx, { status });
  stage.onLog?.(ctx, rec);
  return d.kind;
}

/** How many of `n` back-to-back requests (no time passing) a client gets through. */
async function burst(stage: Stage, clientIp: string, n: number): Promise<number> {
  let ok = 0;
  for (let i = 0; i < n; i++) if ((await call(stage, clientIp, 200)) === 'continue') ok++;
  return ok;
}

describe('adaptive per-client limits', () => {
  it('tightens on a client that fails authentication repeatedly and leaves a well-behaved one alone', async () => {
    const stage = await stageFor(env, { policies: [policy] }, { adaptive: cfg() });
    for (let i = 0; i < 12; i++) {
      await call(stage, bad, 401);
      await call(stage, good, 200);
      env.advance(1000);
    }
    env.advance(1000);
    expect(await burst(stage, good, 40)).toBe(20);
    // 12 failures = risk ~11 after decay: two steps, a quarter of the limit.
    expect(await burst(stage, bad, 40)).toBe(5);

    const tightened = env.logs.filter((l) => typeof l.adaptive === 'object' && l.adaptive !== null);
    expect(tightened.length).toBeGreaterThanOrEqual(2);
    expect(tightened.every((l) => JSON.stringify(l.adaptive).includes(bad))).toBe(true);
    expect(tightened[0]?.adaptive).toMatchObject({
      client: bad,
      direction: 'tighten',
      mode: 'enforce',
      factorBefore: 1,
      factorAfter: 0.5,
      limits: [{ policy: 'per-client', before: 20, after: 10 }],
    });
    // Five failures make 5 risk, less a little decay: the sixth crosses the first step.
    expect(tightened[0]?.adaptive).toHaveProperty('signals.authFailure', 6);
  });

  it('recovers as the risk decays, and logs the relaxation', async () => {
    const stage = await stageFor(env, { policies: [policy] }, { adaptive: cfg() });
    for (let i = 0; i < 10; i++) await call(stage, bad, 401);
    env.advance(1000);
    expect(await burst(stage, bad, 40)).toBeLessThan(20);
    env.advance(10 * 60_000);
    expect(await burst(stage, bad, 40)).toBe(20);
    expect(env.logs.some((l) => JSON.stringify(l.adaptive ?? '').includes('"direction":"relax"'))).toBe(true);
  });

  it('in recommend mode logs what it would do without enforcing', async () => {
    const stage = await stageFor(env, { policies: [policy] }, { adaptive: cfg({ mode: 'recommend' }) });
    for (let i = 0; i < 12; i++) await call(stage, bad, 401);
    env.advance(1000);
    expect(await burst(stage, bad, 40)).toBe(20);
    const line = env.logs.find((l) => typeof l.msg === 'string' && l.msg.startsWith('recommend: would tighten'));
    expect(line?.adaptive).toMatchObject({ client: bad, mode: 'recommend' });
  });

  it('leaves policies marked adaptive: false alone', async () => {
    const stage = await stageFor(env, { policies: [{ ...policy, adaptive: false }] }, { adaptive: cfg() });
    for (let i = 0; i < 12; i++) await call(stage, bad, 401);
    env.advance(1000);
    expect(await burst(stage, bad, 40)).toBe(20);
  });
});

describe('RiskTracker', () => {
  it('classifies the signals of a finished call', () => {
    const ctx = request();
    expect(classify(logRecord(ctx, { status: 401, decision: 'reject', stage: 'authentication', problem: 'unauthorized' }))).toBe('authFailure');
    expect(classify(logRecord(ctx, { status: 403, decision: 'reject', stage: 'detection', problem: 'attack-detected' }))).toBe('detection');
    expect(classify(logRecord(ctx, { status: 400, decision: 'reject', stage: 'validation', problem: 'invalid-request' }))).toBe('validation');
    expect(classify(logRecord(ctx, { status: 404 }))).toBe('clientError');
    expect(classify(logRecord(ctx, { status: 502 }))).toBe('serverError');
    expect(classify(logRecord(ctx, { status: 429, decision: 'reject', stage: 'rate-limit', problem: 'too-many-requests' }))).toBeUndefined();
    expect(classify(logRecord(ctx, { status: 200 }))).toBeUndefined();
  });

  it('flags a client whose rate surges far above its own baseline, not one that stays steady', () => {
    let t = 0;
    const tracker = new RiskTracker(cfg({ weights: { authFailure: 0, detection: 0, validation: 0, clientError: 0, serverError: 0, rateSurge: 1 } }), () => t);
    const ctx = request();
    // Both clients: 2 requests/s for 10 minutes (their baseline).
    for (let i = 0; i < 1200; i++) {
      t += 500;
      tracker.observe('steady', logRecord(ctx));
      tracker.observe('surging', logRecord(ctx));
    }
    expect(tracker.factor('steady').factor).toBe(1);
    expect(tracker.factor('surging').factor).toBe(1);
    // Then the surging client goes to 50/s for 20 s while the steady one carries on.
    for (let i = 0; i < 1000; i++) {
      t += 20;
      tracker.observe('surging', logRecord(ctx));
      if (i % 25 === 0) tracker.observe('steady', logRecord(ctx));
    }
    expect(tracker.factor('steady').factor).toBe(1);
    expect(tracker.factor('surging').factor).toBeLessThan(1);
  });

  it('forgets the least recently seen client beyond maxClients', () => {
    const tracker = new RiskTracker(cfg({ maxClients: 100 }), () => 0);
    for (let i = 0; i < 150; i++) tracker.observe(`c${i}`, logRecord(request()));
    expect(tracker.size).toBe(100);
  });
});
