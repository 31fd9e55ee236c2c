import Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { hashPassword } from './password.js';

/** A row as SQLite returns it: every column, the password hash included (that is the demo's point). */
export type Row = Record<string, unknown>;

export interface DemoStore {
  listUsers(limit: unknown, offset: unknown): { items: Row[]; total: number };
  getUser(id: string): Row | undefined;
  findUserByUsername(username: unknown): Row | undefined;
  createUser(fields: Row): Row | undefined;
  updateUser(id: string, fields: Row): Row | undefined;
  deleteUser(id: string): boolean;
  listOrders(userId: string): Row[];
  getOrder(userId: string, orderId: string): Row | undefined;
  createOrder(userId: string, fields: Row): Row | undefined;
  close(): void;
}

// STRICT tables: a wrong type in a body is an SQLite error (and, naively, a 500 that quotes it).
const SCHEMA = `
PRAGMA foreign_keys = ON;
CREATE TABLE IF NOT EXISTS users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  email         TEXT,
  name          TEXT,
  role          TEXT NOT NULL DEFAULT 'user',
  password_hash TEXT NOT NULL,
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
CREATE TABLE IF NOT EXISTS orders (
  id          INTEGER PRIMARY KEY,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  item        TEXT NOT NULL,
  quantity    INTEGER NOT NULL DEFAULT 1,
  total_cents INTEGER NOT NULL,
  status      TEXT NOT NULL DEFAULT 'placed',
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
`;

/** The documented demo accounts (README section in docs/status/demo.md). */
export const DEMO_USERS = [
  { id: 1, username: 'alice', password: 'alice-password', email: 'alice@example.test', name: 'Alice Archer', role: 'user' },
  { id: 2, username: 'bob', password: 'bob-password', email: 'bob@example.test', name: 'Bob Baker', role: 'user' },
  { id: 3, username: 'admin', password: 'admin-password', email: 'admin@example.test', name: 'Ada Admin', role: 'admin' },
] as const;

const DEMO_ORDERS = [
  [1, 'Mechanical keyboard', 1, 12_900, 'shipped'],
  [1, 'USB-C cable', 3, 2_697, 'placed'],
  [2, 'Standing desk', 1, 54_900, 'delivered'],
  [2, 'Desk lamp', 2, 7_980, 'placed'],
  [3, 'Server rack', 1, 129_900, 'placed'],
] as const;

/**
 * Ids from the path go to SQLite as sent, through `json(?)`: a number matches, anything that is not JSON
 * (`/users/abc`, `/users/1'`) raises "malformed JSON", which the naive error handler answers as a 500 with
 * the message and stack (API8:2023). SQL stays parameterised: the text is data, never SQL.
 */
const ID = 'json(?)';

/**
 * Open (and seed when empty) the demo database. Column names in dynamic statements come only from the
 * table's own column list (`PRAGMA table_info`), never from a request.
 */
export async function openDemoStore(file = ':memory:'): Promise<DemoStore> {
  const db = new Database(file);
  try {
    db.exec(SCHEMA);
    await seed(db);
  } catch (err) {
    db.close();
    throw err;
  }
  const columns = (table: string) => new Set(db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`).all().map((c) => c.name));
  const userColumns = columns('users');
  const orderColumns = columns('orders');
  const cache = new Map<string, Statement<unknown[], Row>>();
  const prepared = (sql: string) => {
    let stmt = cache.get(sql);
    if (stmt === undefined) cache.set(sql, (stmt = db.prepare<unknown[], Row>(sql)));
    return stmt;
  };
  /** Every known column present in `fields` (mass assignment: `role`, `id`, `password_hash` included). */
  const pick = (fields: Row, known: Set<string>) => Object.entries(fields).filter(([k]) => known.has(k));

  const insert = (table: string, entries: [string, unknown][]) => {
    if (entries.length === 0) return prepared(`INSERT INTO ${table} DEFAULT VALUES RETURNING *`).get();
    const names = entries.map(([k]) => `"${k}"`).join(', ');
    const marks = entries.map(() => '?').join(', ');
    return prepared(`INSERT INTO ${table} (${names}) VALUES (${marks}) RETURNING *`).get(...entries.map(([, v]) => v));
  };

  return {
    listUsers(limit, offset) {
      // No upper bound on limit (API4:2023): the contract says 100, the code takes whatever it is given.
      const items = prepared('SELECT * FROM users ORDER BY id LIMIT ? OFFSET ?').all(limit ?? 20, offset ?? 0);
      const total = prepared('SELECT count(*) AS n FROM users').get()?.n;
      return { items, total: typeof total === 'number' ? total : 0 };
    },
    getUser: (id) => prepared(`SELECT * FROM users WHERE id = ${ID}`).get(id),
    findUserByUsername: (username) => prepared('SELECT * FROM users WHERE username = ?').get(username),
    createUser: (fields) => insert('users', pick(fields, userColumns)),
    updateUser(id, fields) {
      const entries = pick(fields, userColumns);
      if (entries.length === 0) return prepared(`SELECT * FROM users WHERE id = ${ID}`).get(id);
      const sets = entries.map(([k]) => `"${k}" = ?`).join(', ');
      return prepared(`UPDATE users SET ${sets} WHERE id = ${ID} RETURNING *`).get(...entries.map(([, v]) => v), id);
    },
    deleteUser: (id) => prepared(`DELETE FROM users WHERE id = ${ID}`).run(id).changes > 0,
    listOrders: (userId) => prepared(`SELECT * FROM orders WHERE user_id = ${ID} ORDER BY id`).all(userId),
    getOrder: (userId, orderId) => prepared(`SELECT * FROM orders WHERE user_id = ${ID} AND id = ${ID}`).get(userId, orderId),
    // The body may even move the order to another user (`user_id`): fields after the path win.
    createOrder: (userId, fields) => insert('orders', pick({ user_id: prepared(`SELECT ${ID} AS id`).get(userId)?.id, ...fields }, orderColumns)),
    close: () => db.close(),
  };
}

async function seed(db: Database.Database): Promise<void> {
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users').get()?.n ?? 0;
  if (count > 0) return;
  const hashes = await Promise.all(DEMO_USERS.map((u) => hashPassword(u.password)));
  const addUser = db.prepare('INSERT INTO users (id, username, email, name, role, password_hash) VALUES (?, ?, ?, ?, ?, ?)');
  const addOrder = db.prepare('INSERT INTO orders (user_id, item, quantity, total_cents, status) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => {
    DEMO_USERS.forEach((u, i) => addUser.run(u.id, u.username, u.email, u.name, u.role, hashes[i]));
    for (const o of DEMO_ORDERS) addOrder.run(...o);
  })();
}
