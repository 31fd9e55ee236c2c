import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openFileKeyStore } from './file-store.js';
import { runKeyStoreContract } from './testing/key-store.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'rampart-keys-'));
let n = 0;
let current = '';
runKeyStoreContract(
  'file',
  async () => openFileKeyStore((current = join(dir, `keys-${n++}.json`))),
  async () => openFileKeyStore(current),
);

describe('file key store', () => {
  it('reports a corrupt file as a KeyStoreError, not a crash', async () => {
    const f = join(dir, 'corrupt.json');
    writeFileSync(f, '{ not json');
    await expect(openFileKeyStore(f).list()).rejects.toMatchObject({ code: 'corrupt' });
    writeFileSync(f, JSON.stringify({ keys: [{ prefix: 1 }] }));
    await expect(openFileKeyStore(f).list()).rejects.toMatchObject({ code: 'corrupt' });
  });
});
