import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthFile } from './auth/identities.js';
import { runScan } from './engine/scan.js';
import { startBooksApi } from './testing/books-api.js';
import type { ScanResult } from './types.js';

/** A second, differently shaped API: the checks must not depend on the first fixture's shapes. */
describe('scanning the books API (user names in paths, sign-up without ids, titles as keys)', () => {
  let api: Awaited<ReturnType<typeof startBooksApi>>;
  let result: ScanResult;
  beforeAll(async () => {
    api = await startBooksApi();
    const login = (u: string) => `{ role: ${u === 'admin' ? 'admin' : 'user'}, login: { path: /users/v1/login, body: { username: ${u}, password: ${u}-password }, token: /auth_token } }`;
    const auth = parseAuthFile(`identities:\n  alice: ${login('alice')}\n  bob: ${login('bob')}\n  admin: ${login('admin')}\n`, 'auth.yaml');
    result = await runScan({ spec: api.spec, target: api.url, auth, destructive: true, rate: 300 });
  }, 60_000);
  afterAll(() => api.close());

  const has = (check: string, text: string) => result.findings.some((f) => f.checkId === check && `${f.operation ?? ''} ${f.title}`.includes(text));

  it.each([
    ['sql-injection', 'GET /users/v1/{username}'],
    ['sql-injection', 'bypasses the password'],
    ['mass-assignment', 'POST /users/v1/register'],
    ['bola-read', 'GET /books/v1/{book_title}'],
    ['data-exposure', 'GET /users/v1/_debug'],
    ['jwt-weak-secret', 'dictionary word'],
    ['jwt-forgery', 'expired'],
    ['redos', 'PUT /users/v1/{username}/email'],
    ['verbose-errors', 'GET /users/v1/{username}'],
  ])('%s: %s', (check, text) => {
    expect(has(check, text), result.findings.map((f) => `${f.checkId}: ${f.title}`).join('\n')).toBe(true);
  });

  it("reports an object's own secret field to its owner as info, not as a vulnerability", () => {
    const book = result.findings.find((f) => f.checkId === 'data-exposure' && f.operation === 'GET /books/v1/{book_title}');
    expect(book === undefined || book.severity === 'info').toBe(true);
  });
});
