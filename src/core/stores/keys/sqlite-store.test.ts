import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runKeyStoreContract } from './testing/key-store.contract.js';
import { openSqliteKeyStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'rampart-keys-'));
let n = 0;
let current = '';
runKeyStoreContract(
  'sqlite',
  async () => openSqliteKeyStore((current = join(dir, `keys-${n++}.db`))),
  async () => openSqliteKeyStore(current),
);
