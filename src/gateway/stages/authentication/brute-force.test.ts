import { describe, expect, it } from 'vitest';
import { createBruteForceGuard, ipKey } from './brute-force.js';
import { createMemoryStateStore } from './state-store.js';

const policy = { enabled: true, maxFailures: 3, windowMs: 60_000, lockMs: 1000, maxLockMs: 8000 };

describe('brute-force guard', () => {
  it('locks out after maxFailures with exponential back-off, capped', () => {
    const g = createBruteForceGuard(createMemoryStateStore(), policy);
    const k = [ipKey('192.0.2.1')];
    let now = 1_000_000;
    g.failed(k, now);
    g.failed(k, now);
    expect(g.retryAfterMs(k, now)).toBe(0);
    g.failed(k, now);
    expect(g.retryAfterMs(k, now)).toBe(1000);
    now += 1001;
    expect(g.retryAfterMs(k, now)).toBe(0);
    g.failed(k, now);
    expect(g.retryAfterMs(k, now)).toBe(2000);
    for (let i = 0; i < 10; i++) g.failed(k, now);
    expect(g.retryAfterMs(k, now)).toBe(8000);
    expect(g.retryAfterMs([ipKey('192.0.2.2')], now)).toBe(0);
  });

  it('forgets failures after the window and on success of the credential', () => {
    const g = createBruteForceGuard(createMemoryStateStore(), policy);
    const k = ['cred:basic:bob'];
    g.failed(k, 0);
    g.failed(k, 0);
    g.failed(k, 70_000);
    expect(g.retryAfterMs(k, 70_000)).toBe(0);
    g.failed(k, 70_000);
    g.succeeded('cred:basic:bob');
    g.failed(k, 70_000);
    expect(g.retryAfterMs(k, 70_000)).toBe(0);
  });

  it('does nothing when disabled', () => {
    const g = createBruteForceGuard(createMemoryStateStore(), { ...policy, enabled: false });
    for (let i = 0; i < 10; i++) g.failed(['ip:x'], 0);
    expect(g.retryAfterMs(['ip:x'], 0)).toBe(0);
  });
});

describe('memory state store', () => {
  it('claims a nonce once within its ttl and stays bounded', () => {
    const s = createMemoryStateStore(10);
    expect(s.claimNonce('n1', 1000, 0)).toBe(true);
    expect(s.claimNonce('n1', 1000, 500)).toBe(false);
    expect(s.claimNonce('n1', 1000, 1001)).toBe(true);
    for (let i = 0; i < 100; i++) s.claimNonce(`x${i}`, 1000, 2000);
    // The oldest entries were dropped to stay within 10.
    expect(s.claimNonce('x99', 1000, 2000)).toBe(false);
  });
});
