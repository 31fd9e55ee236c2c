import Database from 'better-sqlite3';
import { KeyStoreError, type ApiKeyRecord, type KeyStore } from './key-store.js';

interface Row {
  prefix: string;
  consumer: string;
  hash: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

/** The embedded default: one SQLite file (WAL mode, so the CLI can write while the gateway reads). */
export function openSqliteKeyStore(path: string): KeyStore {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 2000');
  db.exec(`CREATE TABLE IF NOT EXISTS api_keys (
    prefix TEXT PRIMARY KEY,
    consumer TEXT NOT NULL,
    hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER
  ) STRICT`);
  const insert = db.prepare('INSERT INTO api_keys (prefix, consumer, hash, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)');
  const select = db.prepare<[string], Row>('SELECT * FROM api_keys WHERE prefix = ?');
  const all = db.prepare<[], Row>('SELECT * FROM api_keys ORDER BY created_at, prefix');
  const revoke = db.prepare('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE prefix = ?');

  return {
    kind: 'sqlite',
    async create(r) {
      try {
        insert.run(r.prefix, r.consumer, r.hash, r.createdAt, r.expiresAt ?? null, r.revokedAt ?? null);
      } catch (err) {
        if (err instanceof Database.SqliteError && err.code.startsWith('SQLITE_CONSTRAINT')) throw new KeyStoreError('duplicate', `key prefix ${r.prefix} exists`);
        throw err;
      }
    },
    async find(prefix) {
      const row = select.get(prefix);
      return row === undefined ? undefined : fromRow(row);
    },
    async list() {
      return all.all().map(fromRow);
    },
    async revoke(prefix, at) {
      return revoke.run(at, prefix).changes > 0;
    },
    async close() {
      db.close();
    },
  };
}

export function fromRow(row: Row): ApiKeyRecord {
  return {
    prefix: row.prefix,
    consumer: row.consumer,
    hash: row.hash,
    createdAt: Number(row.created_at),
    ...(row.expires_at === null ? {} : { expiresAt: Number(row.expires_at) }),
    ...(row.revoked_at === null ? {} : { revokedAt: Number(row.revoked_at) }),
  };
}
