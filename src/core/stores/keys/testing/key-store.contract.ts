import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiKeyMatches, apiKeyPrefix, generateApiKey } from '../api-key.js';
import { keyUsable, type KeyStore } from '../key-store.js';

/**
 * The one contract every KeyStore adapter passes (undici's store suite, hono's runTest). `open` gives a fresh,
 * empty store; `reopen` (optional) a second handle on the same data, to prove persistence.
 */
export function runKeyStoreContract(name: string, open: () => Promise<KeyStore>, reopen?: () => Promise<KeyStore>): void {
  describe(`KeyStore contract: ${name}`, () => {
    let store: KeyStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('stores only the hash and finds a key by its prefix', async () => {
      const k = generateApiKey();
      await store.create({ prefix: k.prefix, consumer: 'alice', hash: k.hash, createdAt: 1000 });
      const r = await store.find(apiKeyPrefix(k.key) ?? '');
      expect(r).toMatchObject({ prefix: k.prefix, consumer: 'alice', createdAt: 1000 });
      expect(r?.hash).not.toContain(k.key.slice(16));
      expect(apiKeyMatches(k.key, r?.hash ?? '')).toBe(true);
      expect(apiKeyMatches(k.key.slice(0, -1) + (k.key.endsWith('A') ? 'B' : 'A'), r?.hash ?? '')).toBe(false);
      expect(r?.expiresAt).toBeUndefined();
      expect(r?.revokedAt).toBeUndefined();
    });

    it('returns undefined for an unknown prefix', async () => {
      expect(await store.find('000000000000')).toBeUndefined();
    });

    it('refuses a duplicate prefix', async () => {
      const k = generateApiKey();
      await store.create({ prefix: k.prefix, consumer: 'a', hash: k.hash, createdAt: 1 });
      await expect(store.create({ prefix: k.prefix, consumer: 'b', hash: k.hash, createdAt: 2 })).rejects.toMatchObject({ code: 'duplicate' });
      expect((await store.find(k.prefix))?.consumer).toBe('a');
    });

    it('lists oldest first and keeps expiry', async () => {
      const a = generateApiKey();
      const b = generateApiKey();
      await store.create({ prefix: b.prefix, consumer: 'b', hash: b.hash, createdAt: 2000, expiresAt: 5000 });
      await store.create({ prefix: a.prefix, consumer: 'a', hash: a.hash, createdAt: 1000 });
      const list = await store.list();
      expect(list.map((r) => r.consumer)).toEqual(['a', 'b']);
      expect(list[1]?.expiresAt).toBe(5000);
      expect(keyUsable(list[1]!, 4999)).toBe(true);
      expect(keyUsable(list[1]!, 5000)).toBe(false);
    });

    it('revokes once, keeping the first revocation time', async () => {
      const k = generateApiKey();
      await store.create({ prefix: k.prefix, consumer: 'a', hash: k.hash, createdAt: 1 });
      expect(await store.revoke(k.prefix, 10)).toBe(true);
      expect(await store.revoke(k.prefix, 20)).toBe(true);
      const r = await store.find(k.prefix);
      expect(r?.revokedAt).toBe(10);
      expect(keyUsable(r!, 11)).toBe(false);
      expect(await store.revoke('ffffffffffff', 10)).toBe(false);
    });

    if (reopen !== undefined) {
      it('persists across handles', async () => {
        const k = generateApiKey();
        await store.create({ prefix: k.prefix, consumer: 'p', hash: k.hash, createdAt: 1 });
        const other = await reopen();
        try {
          expect((await other.find(k.prefix))?.consumer).toBe('p');
          await other.revoke(k.prefix, 7);
        } finally {
          await other.close();
        }
        expect((await store.list()).find((r) => r.prefix === k.prefix)?.revokedAt).toBe(7);
      });
    }
  });
}
