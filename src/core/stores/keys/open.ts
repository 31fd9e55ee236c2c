import { isAbsolute, resolve } from 'node:path';
import { openFileKeyStore } from './file-store.js';
import type { KeyStore } from './key-store.js';
import { openPostgresKeyStore } from './postgres-store.js';
import { openSqliteKeyStore } from './sqlite-store.js';

export interface KeyStoreConfig {
  readonly kind: 'file' | 'sqlite' | 'postgres';
  /** File or SQLite database path (relative to baseDir). */
  readonly path?: string;
  /** PostgreSQL connection URL. */
  readonly url?: string;
  readonly schema?: string;
  readonly table?: string;
}

export const DEFAULT_KEY_STORE: KeyStoreConfig = { kind: 'sqlite', path: 'rampart-keys.db' };

/** The one place that chooses a key-store adapter. */
export async function openKeyStore(c: KeyStoreConfig, baseDir: string): Promise<KeyStore> {
  const at = (p: string | undefined, def: string): string => {
    const f = p ?? def;
    return isAbsolute(f) ? f : resolve(baseDir, f);
  };
  switch (c.kind) {
    case 'file':
      return openFileKeyStore(at(c.path, 'rampart-keys.json'));
    case 'sqlite':
      return openSqliteKeyStore(at(c.path, 'rampart-keys.db'));
    case 'postgres':
      if (c.url === undefined) throw new Error('keyStore.url is required for kind "postgres"');
      return openPostgresKeyStore({ url: c.url, ...(c.schema === undefined ? {} : { schema: c.schema }), ...(c.table === undefined ? {} : { table: c.table }) });
  }
}

export type { ApiKeyRecord, KeyStore } from './key-store.js';
export { KeyStoreError, keyUsable } from './key-store.js';
export { apiKeyMatches, apiKeyPrefix, generateApiKey, hashApiKey } from './api-key.js';
