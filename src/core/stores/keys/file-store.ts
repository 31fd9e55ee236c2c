import { chmodSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { KeyStoreError, type ApiKeyRecord, type KeyStore } from './key-store.js';

/**
 * A JSON file of key records, for small setups. Writes are atomic (temporary file + rename, mode 0600);
 * reads pick up changes made by another process (the CLI) by checking the file's mtime at most once a second.
 */
export function openFileKeyStore(path: string, now: () => number = Date.now): KeyStore {
  let records = new Map<string, ApiKeyRecord>();
  let version = '';
  let checkedAt = -Infinity;

  const load = (force: boolean): void => {
    const t = now();
    if (!force && t - checkedAt < 1000) return;
    checkedAt = t;
    let v: string;
    try {
      v = fileVersion(path);
    } catch {
      records = new Map();
      version = '';
      return;
    }
    if (v === version) return;
    records = parse(readFileSync(path, 'utf8'), path);
    version = v;
  };

  const save = (): void => {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, keys: [...records.values()] }, null, 2) + '\n', { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, path);
    version = fileVersion(path);
  };

  return {
    kind: 'file',
    async create(record) {
      load(true);
      if (records.has(record.prefix)) throw new KeyStoreError('duplicate', `key prefix ${record.prefix} exists`);
      records.set(record.prefix, record);
      save();
    },
    async find(prefix) {
      load(false);
      return records.get(prefix);
    },
    async list() {
      load(true);
      return [...records.values()].sort((a, b) => a.createdAt - b.createdAt);
    },
    async revoke(prefix, at) {
      load(true);
      const r = records.get(prefix);
      if (r === undefined) return false;
      if (r.revokedAt === undefined) {
        records.set(prefix, { ...r, revokedAt: at });
        save();
      }
      return true;
    },
    async close() {},
  };
}

/** Each save renames a new file into place, so the inode changes even within one mtime tick. */
function fileVersion(path: string): string {
  const st = statSync(path);
  return `${st.ino}:${st.mtimeMs}:${st.size}`;
}

function parse(text: string, path: string): Map<string, ApiKeyRecord> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new KeyStoreError('corrupt', `${path}: not JSON`);
  }
  const keys: unknown = typeof doc === 'object' && doc !== null ? Reflect.get(doc, 'keys') : undefined;
  if (!Array.isArray(keys)) throw new KeyStoreError('corrupt', `${path}: no "keys" array`);
  const out = new Map<string, ApiKeyRecord>();
  for (const k of keys) {
    const r = toRecord(k);
    if (r === undefined) throw new KeyStoreError('corrupt', `${path}: malformed key record`);
    out.set(r.prefix, r);
  }
  return out;
}

function toRecord(v: unknown): ApiKeyRecord | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const get = (k: string): unknown => Reflect.get(v, k);
  const prefix = get('prefix');
  const consumer = get('consumer');
  const hash = get('hash');
  const createdAt = get('createdAt');
  const expiresAt = get('expiresAt');
  const revokedAt = get('revokedAt');
  if (typeof prefix !== 'string' || typeof consumer !== 'string' || typeof hash !== 'string' || typeof createdAt !== 'number') return undefined;
  if (expiresAt !== undefined && typeof expiresAt !== 'number') return undefined;
  if (revokedAt !== undefined && typeof revokedAt !== 'number') return undefined;
  return { prefix, consumer, hash, createdAt, ...(expiresAt === undefined ? {} : { expiresAt }), ...(revokedAt === undefined ? {} : { revokedAt }) };
}
