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
  // the last one does. Medians over interleaved batches damp scheduler noise on a shared machine.
  it('compares in constant time (statistical, bounded)', () => {
    const stored = hashApiKey('reference');
    const firstDiffers = (stored[0] === '0' ? '1' : '0') + stored.slice(1);
    const lastDiffers = stored.slice(0, -1) + (stored.endsWith('0') ? '1' : '0');
    const batch = (candidate: string): number => {
      const t = process.hrtime.bigint();
      for (let i = 0; i < 200; i++) digestsEqual(candidate, stored);
      return Number(process.hrtime.bigint() - t);
    };
    const early: number[] = [];
    const late: number[] = [];
    for (let i = 0; i < 50; i++) batch(lastDiffers); // warm up
    for (let i = 0; i < 300; i++) {
      early.push(batch(firstDiffers));
      late.push(batch(lastDiffers));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;
    const ratio = median(early) / median(late);
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(1.25);
  });
});
