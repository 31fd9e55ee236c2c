import { execFile } from 'node:child_process';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get as httpGet, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { fixtureSpec } from './fixture-spec.js';

/**
 * A deliberately flawed API with one known flaw per scanner check, and its hardened twin (`hardened: true`) where
 * every check must report nothing. Loopback only; the flawed twin's SSRF and command execution stay on this
 * machine (it fetches only 127.0.0.1 URLs; the "ping" runs `echo`).
 */
export interface FixtureApi {
  readonly url: string;
  readonly spec: Record<string, unknown>;
  close(): Promise<void>;
}

interface User {
  id: number;
  username: string;
  password: string;
  displayName: string;
  role: string;
}

const BCRYPT_LIKE = '$2b$10$' + 'N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy';

type Handler = (req: IncomingMessage, body: string, params: Record<string, string>, url: URL) => Promise<Answer> | Answer;
interface Answer {
  status: number;
  body?: unknown;
  type?: string;
  headers?: Record<string, string>;
}

const problem = (status: number, title: string, detail?: string): Answer => ({ status, body: { type: 'about:blank', title, status, detail }, type: 'application/problem+json' });

export async function startFixtureApi(opts: { hardened: boolean }): Promise<FixtureApi> {
  const H = opts.hardened;
  const secret = H ? randomBytes(32).toString('hex') : 'secret';
  const users: User[] = [
    { id: 1, username: 'alice', password: 'alice-password', displayName: 'Alice', role: 'user' },
    { id: 2, username: 'bob', password: 'bob-password', displayName: 'Bob', role: 'user' },
    { id: 3, username: 'admin', password: 'admin-password', displayName: 'Admin', role: 'admin' },
  ];
  const db = new Database(':memory:');
  db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, owner INTEGER, title TEXT, body TEXT)');
  const insert = db.prepare('INSERT INTO notes (owner, title, body) VALUES (?, ?, ?)');
  for (let i = 0; i < 150; i++) insert.run(1, `note ${i}`, 'seed');
  const files = mkdtempSync(join(tmpdir(), 'rampart-fixture-'));
  writeFileSync(join(files, 'readme.txt'), 'fixture readme');
  const failures = new Map<string, number>();
  const spec = fixtureSpec(H);

  const sign = (payload: Record<string, unknown>) => {
    const input = `${Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
  };
  const principal = (req: IncomingMessage): User | undefined => {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const parts = m?.[1]?.split('.');
    if (parts?.length !== 3) return undefined;
    let header: Record<string, unknown>;
    let payload: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString()) as Record<string, unknown>;
      payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    // Flaw (jwt-forgery): "none" tokens are trusted, and expiry is never checked.
    const unsigned = !H && String(header.alg).toLowerCase() === 'none';
    if (!unsigned) {
      if (header.alg !== 'HS256') return undefined;
      const want = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
      const got = Buffer.from(parts[2]!, 'base64url');
      if (got.length !== want.length || !timingSafeEqual(got, want)) return undefined;
      if (H && (typeof payload.exp !== 'number' || payload.exp * 1000 < Date.now())) return undefined;
    }
    return users.find((u) => String(u.id) === String(payload.sub));
  };
  const publicUser = (u: User) => ({ id: u.id, username: u.username, displayName: u.displayName, role: u.role });

  const authed = (h: (u: User, req: IncomingMessage, body: string, params: Record<string, string>, url: URL) => Promise<Answer> | Answer): Handler => (req, body, params, url) => {
    const u = principal(req);
    return u === undefined ? problem(401, 'Unauthorized') : h(u, req, body, params, url);
  };
  const parse = (body: string): Record<string, unknown> | Answer => {
    try {
      const v: unknown = JSON.parse(body);
      return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : problem(400, 'Bad request', 'expected an object');
    } catch (err) {
      // Flaw (verbose-errors): the parser's stack trace goes to the client.
      return H ? problem(400, 'Bad request', 'malformed JSON') : problem(400, 'Bad request', (err as Error).stack);
    }
  };
  const isAnswer = (v: unknown): v is Answer => typeof v === 'object' && v !== null && 'status' in v && typeof (v as Answer).status === 'number' && !('username' in v);

  const routes: Array<[string, RegExp, Handler]> = [
    ['POST', /^\/api\/v2\/login$/, (_req, body) => {
      const b = parse(body);
      if (isAnswer(b)) return b;
      const name = String(b.username);
      if (H && (typeof b.username !== 'string' || typeof b.password !== 'string')) return problem(400, 'Bad request');
      if (H && (failures.get(name) ?? 0) >= 5) return { ...problem(429, 'Too many attempts'), headers: { 'retry-after': '60' } };
      const u = users.find((x) => x.username === name);
      // Flaw (user-enumeration): unknown users get another answer. Flaw (nosql-injection): {"$ne": …} matches.
      if (u === undefined) return H ? problem(401, 'Invalid credentials') : problem(404, 'No such user');
      const p = b.password;
      const ok = typeof p === 'string' ? p === u.password : !H && typeof p === 'object' && p !== null && '$ne' in p && (p as Record<string, unknown>).$ne !== u.password;
      if (!ok) {
        failures.set(name, (failures.get(name) ?? 0) + 1);
        return problem(401, H ? 'Invalid credentials' : 'Wrong password');
      }
      failures.delete(name);
      return { status: 200, body: { token: sign({ sub: String(u.id), role: u.role, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 3600 }) } };
    }],
    // Flaw (schema-conformance): documented as JSON, answered as text.
    ['GET', /^\/api\/v2\/health$/, () => (H ? { status: 200, body: { status: 'ok' } } : { status: 200, body: 'ok', type: 'text/plain' })],
    ['GET', /^\/api\/v2\/me$/, authed((u) => ({ status: 200, body: publicUser(u) }))],
    ['GET', /^\/api\/v2\/users\/(?<id>[^/]+)$/, authed((u, _r, _b, params) => {
      const target = users.find((x) => String(x.id) === params.id);
      if (target === undefined) return problem(404, 'Not found');
      if (H && target.id !== u.id && u.role !== 'admin') return problem(403, 'Forbidden'); // Flaw (bola-read) when not
      // Flaws (data-exposure, undeclared-properties): the hash and an internal note are serialised.
      return { status: 200, body: H ? publicUser(target) : { ...publicUser(target), passwordHash: BCRYPT_LIKE, internalNote: 'vip' } };
    })],
    ['PATCH', /^\/api\/v2\/users\/(?<id>[^/]+)$/, authed((u, _r, body, params) => {
      const target = users.find((x) => String(x.id) === params.id);
      if (target === undefined) return problem(404, 'Not found');
      if (H && target.id !== u.id) return problem(403, 'Forbidden'); // Flaw (bola-write) when not
      const b = parse(body);
      if (isAnswer(b)) return b;
      if (typeof b.displayName === 'string') target.displayName = b.displayName;
      if (!H && typeof b.role === 'string') target.role = b.role; // Flaw (mass-assignment)
      if (H && Object.keys(b).some((k) => k !== 'displayName')) return problem(400, 'Bad request', 'unknown property');
      return { status: 200, body: publicUser(target) };
    })],
    ['GET', /^\/api\/v2\/notes$/, authed((u, _r, _b, _p, url) => {
      const limitRaw = url.searchParams.get('limit') ?? '20';
      const limit = Number(limitRaw);
      if (!Number.isInteger(limit) || limit < 1 || (H && limit > 50)) return problem(400, 'Bad request', 'limit must be 1..50');
      const q = url.searchParams.get('q') ?? '';
      try {
        // Flaw (sql-injection): the search term is spliced into the SQL.
        const rows = H
          ? db.prepare('SELECT * FROM notes WHERE owner = ? AND title LIKE ? LIMIT ?').all(u.id, `%${q}%`, limit)
          : db.prepare(`SELECT * FROM notes WHERE owner = ${u.id} AND title LIKE '%${q}%' LIMIT ${limit}`).all();
        return { status: 200, body: rows };
      } catch {
        return problem(400, 'Bad request');
      }
    })],
    ['POST', /^\/api\/v2\/notes$/, authed((u, _r, body) => {
      const b = parse(body);
      if (isAnswer(b)) return b;
      if (typeof b.title !== 'string' || (b.body !== undefined && typeof b.body !== 'string')) return problem(400, 'Bad request');
      const r = insert.run(u.id, b.title, typeof b.body === 'string' ? b.body : '');
      return { status: 201, body: { id: Number(r.lastInsertRowid), owner: u.id, title: b.title, body: b.body ?? '' } };
    })],
    ['GET', /^\/api\/v2\/notes\/(?<noteId>[^/]+)$/, authed((u, _r, _b, params) => {
      if (H && !/^\d+$/.test(params.noteId!)) return problem(400, 'Bad request');
      const id = BigInt(params.noteId!); // Flaw (server-error): a non-numeric id throws, answered 500
      const row = db.prepare('SELECT * FROM notes WHERE id = ?').get(id) as { owner: number } | undefined;
      if (row === undefined || (H && row.owner !== u.id)) return problem(404, 'Not found');
      return { status: 200, body: row };
    })],
    ['DELETE', /^\/api\/v2\/notes\/(?<noteId>\d+)$/, authed((u, _r, _b, params) => {
      const row = db.prepare('SELECT * FROM notes WHERE id = ?').get(Number(params.noteId)) as { owner: number } | undefined;
      if (row === undefined || (H && row.owner !== u.id)) return problem(404, 'Not found'); // Flaw (bola-write) when not
      db.prepare('DELETE FROM notes WHERE id = ?').run(Number(params.noteId));
      return { status: 204 };
    })],
    // Flaw (bola-read, by query): whose activity is decided by the parameter alone.
    ['GET', /^\/api\/v2\/activity$/, authed((u, _r, _b, _p, url) => {
      const who = Number(url.searchParams.get('userId'));
      if (H && who !== u.id) return problem(403, 'Forbidden');
      return { status: 200, body: [{ at: '2024-01-01T00:00:00Z', what: `login of user ${who}` }] };
    })],
    // Flaw (flow-automation): invitations can be sent by a script (the hardened twin advertises its limit).
    ['POST', /^\/api\/v2\/invites$/, authed((_u, _r, body) => {
      const b = parse(body);
      if (isAnswer(b)) return b;
      return typeof b.email === 'string' ? { status: 201, body: { sent: true } } : problem(400, 'Bad request');
    })],
    // Flaw (method-switching): PUT is implemented though the document lists only GET and DELETE.
    ['PUT', /^\/api\/v2\/notes\/(?<noteId>\d+)$/, authed((u, _r, body, params) => {
      if (H) return problem(405, 'Method not allowed');
      const b = parse(body);
      if (isAnswer(b)) return b;
      db.prepare('UPDATE notes SET title = ?, body = ? WHERE id = ? AND owner = ?').run(String(b.title ?? ''), String(b.body ?? ''), Number(params.noteId), u.id);
      return { status: 200, body: db.prepare('SELECT * FROM notes WHERE id = ?').get(Number(params.noteId)) };
    })],
    // Flaw (auth-missing): the document requires a token, the code never asks for one.
    ['GET', /^\/api\/v2\/reports$/, (req) => (H && principal(req) === undefined ? problem(401, 'Unauthorized') : { status: 200, body: { total: 150 } })],
    ['GET', /^\/api\/v2\/export$/, authed(() => ({ status: 200, body: { ok: true } }))],
    ['GET', /^\/api\/v2\/admin\/stats$/, authed((u) => (H && u.role !== 'admin' ? problem(403, 'Forbidden') : { status: 200, body: { users: users.length, notes: 150 } }))], // Flaw (bfla)
    ['GET', /^\/api\/v2\/files$/, (_r, _b, _p, url) => {
      const name = url.searchParams.get('name') ?? '';
      if (H && !/^[a-z0-9-]+\.txt$/.test(name)) return problem(400, 'Bad request');
      try {
        return { status: 200, body: readFileSync(join(files, name), 'utf8'), type: 'text/plain' }; // Flaw (path-traversal)
      } catch {
        return problem(404, 'Not found');
      }
    }],
    ['GET', /^\/api\/v2\/search$/, (_r, _b, _p, url): Answer => {
      const term = url.searchParams.get('term') ?? '';
      const shown = H ? term.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`) : term; // Flaw (reflected-xss)
      return { status: 200, body: `<!doctype html><title>Search</title><p>No results for ${shown}</p>`, type: 'text/html', headers: H ? { 'content-security-policy': "default-src 'none'" } : {} };
    }],
    ['GET', /^\/api\/v2\/preview$/, async (_r, _b, _p, url) => {
      let target: URL;
      try {
        target = new URL(url.searchParams.get('url') ?? '');
      } catch {
        return problem(400, 'Bad request');
      }
      if (H) return target.hostname === 'example.com' ? { status: 200, body: { fetched: false } } : problem(400, 'Bad request', 'host not allowed');
      // Flaw (ssrf): loopback URLs are fetched (other hosts are not, to keep the tests offline).
      if (target.hostname !== '127.0.0.1') return { status: 200, body: { fetched: false } };
      // Flaw (redirect-following): one redirect hop is followed wherever it points.
      const location = await new Promise<string | undefined>((resolve) => httpGet(target, (res) => { res.resume(); res.on('end', () => resolve(res.headers.location)); }).on('error', () => resolve(undefined)));
      if (location !== undefined) await new Promise<void>((resolve) => httpGet(new URL(location, target), (res) => { res.resume(); res.on('end', resolve); }).on('error', () => resolve()));
      return { status: 200, body: { fetched: true } };
    }],
    ['GET', /^\/api\/v2\/tools\/ping$/, async (_r, _b, _p, url) => {
      const host = url.searchParams.get('host') ?? '';
      if (H) return /^[a-z0-9.-]{1,64}$/i.test(host) ? { status: 200, body: { output: host } } : problem(400, 'Bad request');
      // Flaw (command-injection): the value reaches a shell.
      const output = await new Promise<string>((resolve) => execFile('/bin/sh', ['-c', `echo ${host}`], { timeout: 8000 }, (_e, out) => resolve(String(out))));
      return { status: 200, body: { output } };
    }],
    ['GET', /^\/api\/v2\/validate$/, (_r, _b, _p, url) => {
      const name = url.searchParams.get('name') ?? '';
      if (H) return { status: 200, body: { valid: name.length <= 64 && /^[A-Za-z][A-Za-z ]*$/.test(name) } };
      return { status: 200, body: { valid: /^([a-zA-Z]+\s?)*$/.test(name) } }; // Flaw (redos): nested quantifiers
    }],
    // Flaw (inventory): the retired v1 still answers, and an environment file is served.
    ['GET', /^\/api\/v1\/notes$/, () => (H ? problem(404, 'Not found') : { status: 200, body: [{ id: 1, title: 'legacy' }] })],
    ['GET', /^\/\.env$/, () => (H ? problem(404, 'Not found') : { status: 200, body: 'DB_PASSWORD=hunter2\nJWT_SECRET=secret\n', type: 'text/plain' })],
  ];

  let hits = 0;
  let windowStart = Date.now();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const limit = H ? 64 * 1024 : 8 * 1024 * 1024; // Flaw (oversized-payload) when not
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on('end', () => {
      void handle(req, res, size > limit ? undefined : Buffer.concat(chunks).toString('utf8'));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, body: string | undefined): Promise<void> {
    if (Date.now() - windowStart > 60_000) {
      windowStart = Date.now();
      hits = 0;
    }
    hits++;
    const url = new URL(req.url ?? '/', 'http://fixture');
    const headers: Record<string, string> = H
      ? { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', 'ratelimit-policy': '5000;w=60' }
      : { server: 'FixtureServer/1.2.3', 'x-powered-by': 'Express/4.17.1' }; // Flaw (version-disclosure)
    // Flaw (cors): any origin, with credentials.
    if (!H && req.headers.origin !== undefined) Object.assign(headers, { 'access-control-allow-origin': req.headers.origin, 'access-control-allow-credentials': 'true' });
    let answer: Answer;
    if (req.method === 'TRACE') {
      // Flaw (trace-enabled): the request is echoed.
      answer = H ? problem(405, 'Method not allowed') : { status: 200, type: 'message/http', body: `TRACE ${req.url} HTTP/1.1\r\n${Object.entries(req.headers).map(([k, v]) => `${k}: ${String(v)}`).join('\r\n')}` };
    } else if (body === undefined) {
      answer = problem(413, 'Payload too large');
    } else if (H && hits > 5000) {
      answer = problem(429, 'Too many requests');
    } else {
      const route = routes.find(([m, re]) => m === req.method && re.test(url.pathname));
      try {
        answer = route === undefined ? problem(404, 'Not found') : await route[2](req, body, { ...(route[1].exec(url.pathname)?.groups ?? {}) }, url);
      } catch {
        answer = problem(500, 'Internal error');
      }
    }
    const text = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    if (text !== '') headers['content-type'] = answer.type ?? 'application/json';
    res.writeHead(answer.status, { ...headers, ...(answer.headers ?? {}) });
    res.end(text);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    spec,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      db.close();
      rmSync(files, { recursive: true, force: true });
    },
  };
}

/** The auth file for the fixture's three identities. */
export function fixtureAuth(): { identities: Record<string, { role: 'user' | 'admin'; headers: Record<string, string>; owns: Record<string, string[]>; login: { method: string; path: string; body: Record<string, unknown>; token: string; header: string; prefix: string } }> } {
  const login = (username: string) => ({ method: 'POST', path: '/api/v2/login', body: { username, password: `${username}-password` }, token: '/token', header: 'authorization', prefix: 'Bearer ' });
  return {
    identities: {
      alice: { role: 'user', headers: {}, owns: {}, login: login('alice') },
      bob: { role: 'user', headers: {}, owns: {}, login: login('bob') },
      admin: { role: 'admin', headers: {}, owns: {}, login: login('admin') },
    },
  };
}
