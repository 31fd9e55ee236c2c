import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiKeyMatches, apiKeyPrefix } from '../../core/stores/keys/api-key.js';
import { openSqliteKeyStore } from '../../core/stores/keys/sqlite-store.js';
import { keysCommand, parseExpiry } from './keys.js';

const dir = mkdtempSync(join(tmpdir(), 'rampart-cli-keys-'));

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await keysCommand(argv, (s) => (stdout += s), (s) => (stderr += s));
  return { code, stdout, stderr };
}

describe('rampart keys', () => {
  it('creates a key printed once, lists it without the secret, revokes it', async () => {
    const store = `sqlite:${join(dir, 'k.db')}`;
    const created = await cli('create', '--consumer', 'alice', '--expires', '30d', '--store', store);
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    const prefix = apiKeyPrefix(key);
    expect(prefix).toBeDefined();
    const s = openSqliteKeyStore(join(dir, 'k.db'));
    const rec = await s.find(prefix ?? '');
    await s.close();
    expect(apiKeyMatches(key, rec?.hash ?? '')).toBe(true);
    expect(rec?.expiresAt).toBeGreaterThan(Date.now() + 29 * 86_400_000);

    const list = await cli('list', '--json', '--store', store);
    expect(list.stdout).not.toContain(key.slice(16));
    expect(JSON.parse(list.stdout)).toMatchObject([{ prefix, consumer: 'alice', state: 'active' }]);
    expect((await cli('revoke', key, '--store', store)).code).toBe(0);
    expect(JSON.parse((await cli('list', '--json', '--store', store)).stdout)).toMatchObject([{ state: 'revoked' }]);
    expect((await cli('revoke', '000000000000', '--store', store)).code).toBe(1);
  });

  it('uses auth.keyStore of a config file, relative to it', async () => {
    const cfg = join(dir, 'rampart.yaml');
    writeFileSync(cfg, `upstreams:\n  api:\n    targets: [http://127.0.0.1:3000]\nroutes:\n  - id: all\n    match: { path: /** }\n    upstream: api\nauth:\n  keyStore: { kind: file, path: keys.json }\n`);
    const r = await cli('create', '--consumer', 'bob', '--config', cfg);
    expect(r.code).toBe(0);
    expect(JSON.parse((await cli('list', '--json', '--store', `file:${join(dir, 'keys.json')}`)).stdout)).toMatchObject([{ consumer: 'bob' }]);
  });

  it('answers usage errors with exit 2', async () => {
    expect((await cli()).code).toBe(2);
    expect((await cli('create', '--store', `sqlite:${join(dir, 'u.db')}`)).code).toBe(2);
    expect((await cli('create', '--consumer', 'x', '--expires', 'soon', '--store', `sqlite:${join(dir, 'u.db')}`)).code).toBe(2);
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('list', '--store', 'mysql://x')).code).toBe(2);
    expect((await cli('list', '--bogus')).code).toBe(2);
  });

  it('parses expiry durations and dates', () => {
    expect(parseExpiry('12h', 0)).toBe(43_200_000);
    expect(parseExpiry('2020-01-01', Date.now())).toBeNull();
    expect(parseExpiry('2999-01-01T00:00:00Z', Date.now())).toBe(Date.parse('2999-01-01T00:00:00Z'));
    expect(parseExpiry('tomorrow', 0)).toBeNull();
  });
});
