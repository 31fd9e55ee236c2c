import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GradientLimit } from './concurrency.js';
import { shedByDelay } from './shedding.js';
import { configWith, decide, logRecord, request, testEnv, type TestEnv } from './testing/harness.js';
import { buildRateLimit } from './rate-limit.js';

const opts = { initialLimit: 100, minLimit: 10, maxLimit: 1000, tolerance: 2, smoothing: 0.2 };

describe('GradientLimit', () => {
  it('grows while latency holds at its baseline under load', () => {
    const g = new GradientLimit(opts);
    for (let i = 0; i < 200; i++) g.sample(10, g.limit);
    expect(g.limit).toBeGreaterThan(200);
    expect(g.limit).toBeLessThanOrEqual(1000);
  });

  it('does not grow while the upstream uses less than half of it', () => {
    const g = new GradientLimit(opts);
    for (let i = 0; i < 200; i++) g.sample(10, 5);
    expect(g.limit).toBe(100);
  });

  it('shrinks towards the minimum when latency climbs beyond the tolerance, and recovers after', () => {
    const g = new GradientLimit(opts);
    for (let i = 0; i < 50; i++) g.sample(10, 90);
    const before = g.limit;
    for (let i = 0; i < 200; i++) g.sample(200, g.limit);
    expect(g.limit).toBeLessThan(before / 2);
    expect(g.limit).toBeGreaterThanOrEqual(10);
    for (let i = 0; i < 300; i++) g.sample(10, g.limit);
    expect(g.limit).toBeGreaterThan(before);
  });
});

describe('shedByDelay', () => {
  it('sheds low first, then normal, then high; never critical', () => {
    expect(shedByDelay('low', 50, 100)).toBe(false);
    expect(shedByDelay('low', 150, 100)).toBe(true);
    expect(shedByDelay('normal', 150, 100)).toBe(false);
    expect(shedByDelay('normal', 250, 100)).toBe(true);
    expect(shedByDelay('high', 350, 100)).toBe(false);
    expect(shedByDelay('high', 450, 100)).toBe(true);
    expect(shedByDelay('critical', 1e9, 100)).toBe(false);
    expect(shedByDelay('low', 1e9, 0)).toBe(false);
  });
});

describe('load shedding by priority on an adaptive upstream limit', () => {
  let env: TestEnv;
  beforeEach(() => {
    env = testEnv();
  });
  afterEach(async () => {
    await env.dispose();
  });

  it('sheds the low-priority route before the critical one when the upstream slows down', async () => {
    const global = { upstreams: { up: { adaptive: { initialLimit: 40, minLimit: 4, maxLimit: 100, tolerance: 2, smoothing: 0.5 } } } };
    const low = configWith({ priority: 'low' }, global);
    const critical = configWith({ priority: 'critical' }, global, 'r2');
    const lowStage = (await buildRateLimit(low.config, env)).forRoute(low.route);
    const critStage = (await buildRateLimit(critical.config, env)).forRoute(critical.route);
    if (lowStage === undefined || critStage === undefined) throw new Error('no stage');

    // The upstream slows from 10 ms to 300 ms while 30 requests are in flight: the limit falls.
    const inFlight = [];
    for (let i = 0; i < 30; i++) {
      const ctx = request();
      expect((await decide(critStage, ctx)).kind).toBe('continue');
      inFlight.push(ctx);
    }
    for (const ctx of inFlight.slice(0, 10)) critStage.onLog?.(ctx, logRecord(ctx, { upstreamMs: 10 }));
    for (const ctx of inFlight.slice(10, 27)) critStage.onLog?.(ctx, logRecord(ctx, { upstreamMs: 300 }));
    // 3 still in flight; the limit has dropped from 40 to a handful: low may use half of it, critical all.
    const lowAnswer = await decide(lowStage, request());
    expect(lowAnswer.kind).toBe('reject');
    if (lowAnswer.kind === 'reject') expect(lowAnswer.problem.code).toBe('service-unavailable');
    expect((await decide(critStage, request())).kind).toBe('continue');
  });
});
