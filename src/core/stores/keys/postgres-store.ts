import { loadPg } from '../../lazy/optional-deps.js';
import { KeyStoreError, type KeyStore } from './key-store.js';
import { fromRow } from './sqlite-store.js';

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

export interface PostgresKeyStoreOptions {
  readonly url: string;
  /** Schema of the table (created when missing). */
  readonly schema?: string;
  readonly table?: string;
  readonly poolSize?: number;
}

/** PostgreSQL, for several gateway instances sharing one key set. */
export async function openPostgresKeyStore(o: PostgresKeyStoreOptions): Promise<KeyStore> {
  const schema = o.schema ?? 'public';
  const table = o.table ?? 'rampart_api_keys';
  if (!IDENT.test(schema) || !IDENT.test(table)) throw new KeyStoreError('unavailable', 'schema and table must be lower-case SQL identifiers');
  const name = `"${schema}"."${table}"`;
  const pool = new (loadPg().default?.Pool ?? loadPg().Pool)({ connectionString: o.url, max: o.poolSize ?? 4, connectionTimeoutMillis: 3000 });
  // A pool error on an idle client must not crash the process; the next query reports it.
  pool.on('error', () => {});
  await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  await pool.query(`CREATE TABLE IF NOT EXISTS ${name} (
    prefix TEXT PRIMARY KEY,
    consumer TEXT NOT NULL,
    hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT
  )`);
  return {
    kind: 'postgres',
    async create(r) {
      try {
        await pool.query(`INSERT INTO ${name} (prefix, consumer, hash, created_at, expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
          r.prefix,
          r.consumer,
          r.hash,
          r.createdAt,
          r.expiresAt ?? null,
          r.revokedAt ?? null,
        ]);
      } catch (err) {
        if (err instanceof Error && Reflect.get(err, 'code') === '23505') throw new KeyStoreError('duplicate', `key prefix ${r.prefix} exists`);
        throw err;
      }
    },
    async find(prefix) {
      const res = await pool.query(`SELECT * FROM ${name} WHERE prefix = $1`, [prefix]);
      const row: unknown = res.rows[0];
      return row === undefined ? undefined : fromRow(toRow(row));
    },
    async list() {
      const res = await pool.query(`SELECT * FROM ${name} ORDER BY created_at, prefix`);
      return res.rows.map((r: unknown) => fromRow(toRow(r)));
    },
    async revoke(prefix, at) {
      const res = await pool.query(`UPDATE ${name} SET revoked_at = COALESCE(revoked_at, $1) WHERE prefix = $2`, [at, prefix]);
      return (res.rowCount ?? 0) > 0;
    },
    async close() {
      await pool.end();
    },
  };
}

/** Adapter: pg returns BIGINT as strings and rows as `any`. */
function toRow(v: unknown): Parameters<typeof fromRow>[0] {
  const get = (k: string): unknown => (typeof v === 'object' && v !== null ? Reflect.get(v, k) : undefined);
  const num = (x: unknown): number | null => (x === null || x === undefined ? null : Number(x));
  return {
    prefix: String(get('prefix')),
    consumer: String(get('consumer')),
    hash: String(get('hash')),
    created_at: Number(get('created_at')),
    expires_at: num(get('expires_at')),
    revoked_at: num(get('revoked_at')),
  };
}
