import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';

/**
 * A second, differently shaped vulnerable API (after the style of OWASP VAmPI): user names instead of ids in
 * paths, a version segment, a sign-up that returns no id, books addressed by title. It guards the scanner against
 * checks that only work on the first fixture's shapes. Flaws: SQL injection in the user path and the login,
 * mass assignment of `admin` at sign-up, a debug endpoint with passwords, books readable by anyone logged in,
 * a guessable JWT secret, a ReDoS email check, verbose SQL errors.
 */
export async function startBooksApi(): Promise<{ url: string; spec: Record<string, unknown>; close(): Promise<void> }> {
  const secret = 'random';
  const db = new Database(':memory:');
  db.exec("CREATE TABLE users (username TEXT PRIMARY KEY, password TEXT, email TEXT, admin INTEGER DEFAULT 0); CREATE TABLE books (title TEXT PRIMARY KEY, secret TEXT, owner TEXT)");
  for (const u of ['alice', 'bob', 'admin']) db.prepare('INSERT INTO users VALUES (?, ?, ?, ?)').run(u, `${u}-password`, `${u}@example.test`, u === 'admin' ? 1 : 0);
  const sign = (sub: string) => {
    const input = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub, exp: Math.floor(Date.now() / 1000) + 3600 })).toString('base64url')}`;
    return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
  };
  const who = (req: IncomingMessage): string | undefined => {
    const p = /^Bearer (.+)\.(.+)\.(.+)$/.exec(req.headers.authorization ?? '');
    if (p === null || createHmac('sha256', secret).update(`${p[1]}.${p[2]}`).digest('base64url') !== p[3]) return undefined;
    return (JSON.parse(Buffer.from(p[2]!, 'base64url').toString()) as { sub: string }).sub;
  };
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      let body: Record<string, unknown>;
      try {
        body = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
      } catch {
        return send(400, { message: 'bad json' });
      }
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const user = who(req);
      try {
        if (req.method === 'POST' && path === '/users/v1/register') {
          if (typeof body.username !== 'string' || typeof body.password !== 'string') return send(400, { message: 'username and password required' });
          db.prepare('INSERT INTO users VALUES (?, ?, ?, ?)').run(body.username, body.password, String(body.email ?? ''), body.admin === true ? 1 : 0);
          return send(200, { message: 'Successfully registered.' });
        }
        if (req.method === 'POST' && path === '/users/v1/login') {
          const row = db.prepare(`SELECT username FROM users WHERE username = '${String(body.username)}' AND password = '${String(body.password)}'`).get() as { username: string } | undefined;
          return row === undefined ? send(401, { message: 'Username or password incorrect' }) : send(200, { auth_token: sign(row.username) });
        }
        if (req.method === 'GET' && path === '/users/v1') return send(200, { users: db.prepare('SELECT username, email FROM users').all() });
        if (req.method === 'GET' && path === '/users/v1/_debug') return send(200, { users: db.prepare('SELECT * FROM users').all() });
        let m = /^\/users\/v1\/([^/]+)$/.exec(path);
        if (req.method === 'GET' && m !== null) {
          const row = db.prepare(`SELECT username, email, admin FROM users WHERE username = '${m[1]}'`).get() as { admin: number } | undefined;
          return row === undefined ? send(404, { message: 'User not found' }) : send(200, { ...row, admin: row.admin === 1 });
        }
        m = /^\/users\/v1\/([^/]+)\/email$/.exec(path);
        if (req.method === 'PUT' && m !== null) {
          if (user === undefined) return send(401, { message: 'token required' });
          if (!/^([0-9a-zA-Z]([-.\w]*[0-9a-zA-Z])*@{1}([0-9a-zA-Z][-\w]*[0-9a-zA-Z]\.)+[a-zA-Z]{2,9})$/.test(String(body.email))) return send(400, { message: 'invalid email' });
          db.prepare('UPDATE users SET email = ? WHERE username = ?').run(String(body.email), user);
          return send(204, undefined);
        }
        if (req.method === 'GET' && path === '/books/v1') return send(200, { books: db.prepare('SELECT title, owner FROM books').all() });
        if (req.method === 'POST' && path === '/books/v1') {
          if (user === undefined) return send(401, { message: 'token required' });
          db.prepare('INSERT INTO books VALUES (?, ?, ?)').run(String(body.book_title), String(body.secret), user);
          return send(200, { message: 'Book has been added.' });
        }
        m = /^\/books\/v1\/([^/]+)$/.exec(path);
        if (req.method === 'GET' && m !== null) {
          if (user === undefined) return send(401, { message: 'token required' });
          const row = db.prepare('SELECT * FROM books WHERE title = ?').get(m[1]);
          return row === undefined ? send(404, { message: 'Book not found' }) : send(200, row);
        }
        return send(404, { message: 'not found' });
      } catch (err) {
        return send(500, { message: String(err), trace: (err as Error).stack });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const bearer = [{ bearerAuth: [] }];
  const json = (properties: Record<string, unknown>) => ({ 'application/json': { schema: { type: 'object', properties } } });
  const ok = { '200': { description: 'ok' } };
  const spec = {
    openapi: '3.0.1',
    info: { title: 'books', version: '1' },
    components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    paths: {
      '/users/v1': { get: { responses: ok } },
      '/users/v1/_debug': { get: { responses: ok } },
      '/users/v1/register': { post: { requestBody: { content: json({ username: { type: 'string' }, password: { type: 'string' }, email: { type: 'string' } }) }, responses: ok } },
      '/users/v1/login': { post: { requestBody: { content: json({ username: { type: 'string' }, password: { type: 'string' } }) }, responses: ok } },
      '/users/v1/{username}': { get: { parameters: [{ name: 'username', in: 'path', required: true, schema: { type: 'string' } }], responses: ok } },
      '/users/v1/{username}/email': { put: { security: bearer, parameters: [{ name: 'username', in: 'path', required: true, schema: { type: 'string' } }], requestBody: { content: json({ email: { type: 'string' } }) }, responses: { '204': { description: 'ok' } } } },
      '/books/v1': { get: { responses: ok }, post: { security: bearer, requestBody: { content: json({ book_title: { type: 'string' }, secret: { type: 'string' } }) }, responses: ok } },
      '/books/v1/{book_title}': { get: { security: bearer, parameters: [{ name: 'book_title', in: 'path', required: true, schema: { type: 'string' } }], responses: ok } },
    },
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spec,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      db.close();
    },
  };
}
