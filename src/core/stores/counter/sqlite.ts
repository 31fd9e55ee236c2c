import Database from 'better-sqlite3';
import { evaluate } from './evaluate.js';
import { ALGORITHMS, CounterStoreError, type Algorithm, type ConsumeMode, type CounterStore, type LimitCheck, type Verdict } from './types.js';

export interface SqliteCounterStoreOptions {
  /** Database file (':memory:' for tests). Counters survive restarts; processes on one host share it. */
  readonly path: string;
  readonly now?: () => number;
  /** How long a decision may wait for another process's write lock (it blocks the event loop meanwhile). */
  readonly busyTimeoutMs?: number;
}

/** The SQLite store decides synchronously too: better-sqlite3 is a synchronous binding. */
export interface SqliteCounterStore extends CounterStore {
  consume(checks: readonly LimitCheck[], mode?: ConsumeMode): Verdict;
}

interface Row {
  algorithm: string;
  state: string;
  expires_at: number;
}

const SWEEP_EVERY = 4096;
const isAlgorithm = (s: string): s is Algorithm => (ALGORITHMS as readonly string[]).includes(s);

/**
 * The embedded persistent store: quotas (per day, per 30 days) survive a restart, and gateway processes on
 * one host sharing the file stay exact (each decision is one BEGIN IMMEDIATE transaction). Same arithmetic
 * as the memory store (./evaluate), held to it by the contract suite. Not for cross-host clusters: use Redis.
 */
export function createSqliteCounterStore(options: SqliteCounterStoreOptions): SqliteCounterStore {
  const now = options.now ?? Date.now;
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 50))}`);
  db.exec(`CREATE TABLE IF NOT EXISTS rampart_counters (
    key TEXT PRIMARY KEY, algorithm TEXT NOT NULL, state TEXT NOT NULL, expires_at REAL NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS rampart_counters_expiry ON rampart_counters (expires_at);`);
  const select = db.prepare<[string], Row>('SELECT algorithm, state, expires_at FROM rampart_counters WHERE key = ?');
  const upsert = db.prepare<[string, string, string, number]>(
    'INSERT INTO rampart_counters (key, algorithm, state, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET algorithm = excluded.algorithm, state = excluded.state, expires_at = excluded.expires_at',
  );
  const sweep = db.prepare<[number]>('DELETE FROM rampart_counters WHERE key IN (SELECT key FROM rampart_counters WHERE expires_at <= ? LIMIT 512)');
  let ops = 0;

  function read(c: LimitCheck, t: number): readonly number[] | undefined {
    const row = select.get(c.key);
    if (row === undefined || row.expires_at <= t || row.algorithm !== c.algorithm || !isAlgorithm(row.algorithm)) return undefined;
    const parsed: unknown = JSON.parse(row.state);
    return Array.isArray(parsed) && parsed.every((n) => typeof n === 'number') ? parsed : undefined;
  }

  const decide = db.transaction((checks: readonly LimitCheck[], mode: ConsumeMode, t: number): Verdict =>
    evaluate(
      checks,
      t,
      (c) => read(c, t),
      (c, state, ttl) => void upsert.run(c.key, c.algorithm, JSON.stringify(state), t + Math.max(1, ttl)),
      mode,
    ),
  );

  return {
    kind: 'sqlite',
    consume(checks, mode = 'consume') {
      const t = now();
      try {
        if (++ops % SWEEP_EVERY === 0) sweep.run(t);
        return decide.immediate(checks, mode, t);
      } catch (err) {
        throw new CounterStoreError(`sqlite: ${err instanceof Error ? err.message : String(err)}`, 'unavailable', { cause: err });
      }
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
