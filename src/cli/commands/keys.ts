import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatIssues, loadConfigFile } from '../../core/config/load.js';
import { generateApiKey } from '../../core/stores/keys/api-key.js';
import { keyUsable } from '../../core/stores/keys/key-store.js';
import { DEFAULT_KEY_STORE, openKeyStore, type KeyStoreConfig } from '../../core/stores/keys/open.js';
import { hashPassword } from '../../gateway/stages/authentication/basic.js';
import { resolveAuthConfig } from '../../gateway/stages/authentication/config.js';

export const KEYS_USAGE = `Usage: rampart keys <create|list|revoke|hash-password> [options]

  create --consumer NAME [--expires 30d|12h|2027-01-01T00:00:00Z]
                         create an API key; it is printed once, only its hash is stored
  list [--json]          list keys (public prefix, consumer, created, expires, state)
  revoke PREFIX          revoke a key by its public prefix (rk_<prefix>_...)
  hash-password          read a password on stdin, print an auth.basic.users[].hash

Key store (default: the one in --config, else SQLite ./rampart-keys.db):
  -c, --config FILE      use auth.keyStore of this config file
  --store SPEC           sqlite:PATH | file:PATH | postgres://...
`;

const EXIT_OK = 0;
const EXIT_FAIL = 1;
const EXIT_USAGE = 2;

/** `rampart keys ...` (wired into the CLI registry by the lead). Returns the exit code. */
export async function keysCommand(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        consumer: { type: 'string' },
        expires: { type: 'string' },
        config: { type: 'string', short: 'c' },
        store: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    err(`rampart keys: ${e instanceof Error ? e.message : String(e)}\n\n${KEYS_USAGE}`);
    return EXIT_USAGE;
  }
  const { values, positionals } = parsed;
  const [verb, ...args] = positionals;
  if (values.help === true || verb === undefined) {
    (verb === undefined && values.help !== true ? err : out)(KEYS_USAGE);
    return values.help === true ? EXIT_OK : EXIT_USAGE;
  }
  if (verb === 'hash-password') return hashPasswordVerb(out, err);
  if (verb !== 'create' && verb !== 'list' && verb !== 'revoke') {
    err(`rampart keys: unknown verb "${verb}"\n\n${KEYS_USAGE}`);
    return EXIT_USAGE;
  }
  const where = storeConfig(values.config, values.store);
  if ('error' in where) {
    err(`rampart keys: ${where.error}\n`);
    return where.usage ? EXIT_USAGE : EXIT_FAIL;
  }
  let store;
  try {
    store = await openKeyStore(where.config, where.baseDir);
  } catch (e) {
    err(`rampart keys: cannot open the key store: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT_FAIL;
  }
  try {
    switch (verb) {
      case 'create': {
        if (values.consumer === undefined || !/^[A-Za-z0-9_.:@-]{1,128}$/.test(values.consumer)) {
          err(`rampart keys create: --consumer NAME is required (letters, digits, _ . : @ -)\n`);
          return EXIT_USAGE;
        }
        const now = Date.now();
        const expiresAt = values.expires === undefined ? undefined : parseExpiry(values.expires, now);
        if (expiresAt === null) {
          err(`rampart keys create: --expires must be a duration (30d, 12h, 90m) or a future ISO date\n`);
          return EXIT_USAGE;
        }
        const k = generateApiKey();
        await store.create({ prefix: k.prefix, consumer: values.consumer, hash: k.hash, createdAt: now, ...(expiresAt === undefined ? {} : { expiresAt }) });
        out(`${k.key}\n`);
        err(`created key ${k.prefix} for ${values.consumer}${expiresAt === undefined ? '' : `, expires ${new Date(expiresAt).toISOString()}`}. It is shown only this once.\n`);
        return EXIT_OK;
      }
      case 'list': {
        const now = Date.now();
        const rows = (await store.list()).map((r) => ({
          prefix: r.prefix,
          consumer: r.consumer,
          created: new Date(r.createdAt).toISOString(),
          expires: r.expiresAt === undefined ? null : new Date(r.expiresAt).toISOString(),
          state: r.revokedAt !== undefined ? 'revoked' : keyUsable(r, now) ? 'active' : 'expired',
        }));
        if (values.json === true) out(JSON.stringify(rows, null, 2) + '\n');
        else {
          out(`${'PREFIX'.padEnd(14)}${'CONSUMER'.padEnd(24)}${'CREATED'.padEnd(26)}${'EXPIRES'.padEnd(26)}STATE\n`);
          for (const r of rows) out(`${r.prefix.padEnd(14)}${r.consumer.padEnd(24)}${r.created.padEnd(26)}${(r.expires ?? '-').padEnd(26)}${r.state}\n`);
        }
        return EXIT_OK;
      }
      case 'revoke': {
        const prefix = /^(?:rk_)?([0-9a-f]{12})(?:_.*)?$/.exec(args[0] ?? '')?.[1];
        if (prefix === undefined) {
          err(`rampart keys revoke: give the key's 12-character prefix\n`);
          return EXIT_USAGE;
        }
        if (!(await store.revoke(prefix, Date.now()))) {
          err(`rampart keys revoke: no key ${prefix}\n`);
          return EXIT_FAIL;
        }
        out(`revoked ${prefix}\n`);
        return EXIT_OK;
      }
    }
  } finally {
    await store.close();
  }
}

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30d`, `12h`, `90m`, `3600s` or an ISO date in the future; null when unusable. */
export function parseExpiry(s: string, now: number): number | null {
  const m = /^(\d{1,6})([smhd])$/.exec(s);
  if (m !== null) return now + Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? 0);
  const t = Date.parse(s);
  return Number.isNaN(t) || t <= now || !/^\d{4}-\d{2}-\d{2}/.test(s) ? null : t;
}

function storeConfig(configFile: string | undefined, spec: string | undefined): { config: KeyStoreConfig; baseDir: string } | { error: string; usage: boolean } {
  if (spec !== undefined) {
    if (spec.startsWith('postgres://') || spec.startsWith('postgresql://')) return { config: { kind: 'postgres', url: spec }, baseDir: process.cwd() };
    const m = /^(sqlite|file):(.+)$/.exec(spec);
    if (m === null) return { error: '--store must be sqlite:PATH, file:PATH or a postgres:// URL', usage: true };
    return { config: { kind: m[1] === 'file' ? 'file' : 'sqlite', path: m[2] ?? '' }, baseDir: process.cwd() };
  }
  if (configFile === undefined) return { config: DEFAULT_KEY_STORE, baseDir: process.cwd() };
  const loaded = loadConfigFile(configFile);
  if (!loaded.ok) return { error: `invalid config ${configFile}:\n${formatIssues(loaded.issues, configFile)}`, usage: false };
  try {
    return { config: resolveAuthConfig(loaded.config).keyStore, baseDir: dirname(resolve(configFile)) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e), usage: false };
  }
}

async function hashPasswordVerb(out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (password === '') {
    err('rampart keys hash-password: give the password on stdin\n');
    return EXIT_USAGE;
  }
  out(`${await hashPassword(password)}\n`);
  return EXIT_OK;
}
