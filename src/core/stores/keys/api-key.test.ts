import { describe, expect, it } from 'vitest';
import { apiKeyMatches, apiKeyPrefix, digestsEqual, generateApiKey, hashApiKey } from './api-key.js';

describe('api keys', () => {
  it('generates distinct well-formed keys whose prefix is public', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key).not.toBe(b.key);
    expect(a.key).toMatch(/^rk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(apiKeyPrefix(a.key)).toBe(a.prefix);
    expect(a.hash).toBe(hashApiKey(a.key));
    expect(apiKeyMatches(a.key, a.hash)).toBe(true);
    expect(apiKeyMatches(b.key, a.hash)).toBe(false);
  });

  it('rejects malformed keys before any lookup', () => {
    for (const bad of ['', 'rk_', 'rk_zzzzzzzzzzzz_' + 'a'.repeat(43), 'rk_0123456789ab_' + 'a'.repeat(42), 'xx_0123456789ab_' + 'a'.repeat(43), 'rk_0123456789ab_' + 'a'.repeat(42) + '!']) {
      expect(apiKeyPrefix(bad)).toBeUndefined();
    }
  });

  it('compares digests of different lengths as unequal without throwing', () => {
    expect(digestsEqual('abcd', 'abcdef')).toBe(false);
    expect(digestsEqual('zz', 'zz')).toBe(false);
  });

  // Statistical, bounded: the comparison must not return earlier when the first byte differs than when only
  // the last one does. Long inputs give the test power (an early-exit compare differs by orders of magnitude),
  // medians over interleaved batches damp scheduler noise; the same statistic run on `===` proves it can fail.
  const earlyExitRatio = (equal: (a: string, b: string) => boolean): number => {
    const stored = 'ab'.repeat(32_768);
    const firstDiffers = 'c' + stored.slice(1);
    const lastDiffers = stored.slice(0, -1) + 'c';
    const batch = (candidate: string): number => {
      const t = process.hrtime.bigint();
      for (let i = 0; i < 20; i++) equal(candidate, stored);
      return Number(process.hrtime.bigint() - t);
    };
    // The median of adjacent pairs' ratios: each pair ran within a millisecond, so load drift cancels out.
    const ratios: number[] = [];
    for (let i = 0; i < 20; i++) batch(lastDiffers); // warm up
    for (let i = 0; i < 150; i++) ratios.push(batch(firstDiffers) / batch(lastDiffers));
    return [...ratios].sort((a, b) => a - b)[ratios.length >> 1] ?? 0;
  };

  it('compares in constant time (statistical, bounded)', () => {
    const ratio = earlyExitRatio(digestsEqual);
    expect(ratio).toBeGreaterThan(0.67);
    expect(ratio).toBeLessThan(1.5);
  });

  it('has the power to catch an early-exit comparison', () => {
    expect(earlyExitRatio((a, b) => a === b)).toBeLessThan(0.2);
  });
});
