import { afterAll, describe, expect, it } from 'vitest';
import type { AuthStateStore } from '../state-store.js';

/** The contract every AuthStateStore adapter passes (memory, Redis). Keys are unique per call of `open`. */
export function runStateStoreContract(name: string, open: () => AuthStateStore): void {
  describe(`AuthStateStore contract: ${name}`, () => {
    const store = open();
    afterAll(async () => {
      await store.close?.();
    });
    const unique = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

    it('counts failures within a window', async () => {
      const k = unique();
      const now = Date.now();
      expect(await store.addFailure(k, 60_000, now)).toBe(1);
      expect(await store.addFailure(k, 60_000, now)).toBe(2);
      await store.clearFailures(k);
      expect(await store.addFailure(k, 60_000, now)).toBe(1);
    });

    it('locks until a time, keeping the later lock', async () => {
      const k = unique();
      const now = Date.now();
      expect(await store.lockedUntil(k, now)).toBe(0);
      await store.lock(k, now + 5000, now);
      await store.lock(k, now + 1000, now);
      expect(await store.lockedUntil(k, now)).toBe(now + 5000);
      expect(await store.lockedUntil(k, now + 5001)).toBe(0);
    });

    it('claims a nonce once', async () => {
      const k = unique();
      const now = Date.now();
      expect(await store.claimNonce(k, 10_000, now)).toBe(true);
      expect(await store.claimNonce(k, 10_000, now)).toBe(false);
      expect(await store.claimNonce(unique(), 10_000, now)).toBe(true);
    });
  });
}
