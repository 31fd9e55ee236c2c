import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfigText, formatIssues } from './load.js';
import { publishedSchema } from './json-schema.js';
import { substituteEnv } from './env.js';

const good = `
version: 1
upstreams:
  app:
    targets: ["\${UPSTREAM_URL}"]
routes:
  - id: all
    match: { path: "/**" }
    upstream: app
`;

describe('config loading', () => {
  it('fills defaults, substitutes variables and freezes the result', () => {
    const r = parseConfigText(good, { UPSTREAM_URL: 'http://127.0.0.1:3000' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.listen).toMatchObject({ host: '127.0.0.1', port: 8080, maxBodyBytes: 1048576 });
    expect(r.config.upstreams.app?.targets).toEqual(['http://127.0.0.1:3000']);
    expect(Object.isFrozen(r.config)).toBe(true);
    expect(Object.isFrozen(r.config.routes[0]?.match)).toBe(true);
    expect(() => {
      (r.config.listen as { port: number }).port = 1;
    }).toThrow();
  });

  it('${VAR:-default} keeps the type a literal would have', () => {
    const r = parseConfigText(good.replace('version: 1', 'version: 1\nlisten:\n  port: ${PORT:-9999}'), { UPSTREAM_URL: 'http://127.0.0.1:1' });
    expect(r.ok && r.config.listen.port).toBe(9999);
    const quoted = parseConfigText(good.replace('version: 1', 'version: 1\nlisten: { host: "${HOST:-::1}" }'), { UPSTREAM_URL: 'http://127.0.0.1:1' });
    expect(quoted.ok && quoted.config.listen.host).toBe('::1');
  });

  it('a variable cannot inject YAML structure', () => {
    const r = parseConfigText(good, { UPSTREAM_URL: 'http://a"]\n  evil: [1' });
    expect(r.ok).toBe(false); // the whole value is one (invalid) URL string, not new keys
    if (!r.ok) expect(formatIssues(r.issues)).toContain('upstreams.app.targets[0]');
  });

  it('lists every problem as path: message with its line', () => {
    const text = `version: 1
listen:
  port: 99999
  colour: blue
upstreams:
  app:
    targets: []
routes:
  - id: a
    match: { path: "users" }
    upstream: missing
  - id: b
    match: { path: "/x" }
    upstream: app
    mystery: 1
`;
    const r = parseConfigText(text, {});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const byPath = new Map(r.issues.map((i) => [i.path, i]));
    expect(byPath.get('listen.port')).toMatchObject({ line: 3 });
    expect(byPath.get('listen.colour')).toMatchObject({ line: 4, message: 'unknown key (not allowed here)' });
    expect(byPath.get('upstreams.app.targets')).toMatchObject({ line: 7 });
    expect(byPath.get('routes[0].match.path')).toMatchObject({ line: 10 });
    expect(byPath.get('routes[1].mystery')).toMatchObject({ line: 15 });
    expect(r.issues.length).toBeGreaterThanOrEqual(5);
  });

  it('reports semantic problems: unknown upstream, duplicate ids, bad template, bad CIDR', () => {
    const text = `version: 1
listen: { trustedProxies: ["10.0.0.0/40", "nonsense"] }
upstreams:
  app: { targets: ["http://127.0.0.1:1"] }
routes:
  - { id: a, match: { path: "/a/{id}/{id}" }, upstream: app }
  - { id: a, match: { path: "/b" }, upstream: nope }
`;
    const r = parseConfigText(text, {});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const msgs = formatIssues(r.issues);
    expect(msgs).toContain('routes[1].id: duplicate route id "a"');
    expect(msgs).toContain('routes[1].upstream: unknown upstream "nope" (known: app)');
    expect(msgs).toContain('routes[0].match.path: parameter "id" appears twice');
    expect(msgs).toContain('listen.trustedProxies[0]');
    expect(msgs).toContain('listen.trustedProxies[1]');
  });

  it('names a missing variable and where it is used', () => {
    const r = parseConfigText(good, {});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]).toMatchObject({ path: 'upstreams.app.targets[0]', message: 'environment variable UPSTREAM_URL is not set and has no default', line: 5 });
  });

  it('refuses YAML errors, duplicate keys and alias bombs with a line', () => {
    const dup = parseConfigText('version: 1\nversion: 1\n', {});
    expect(dup.ok).toBe(false);
    if (!dup.ok) expect(dup.issues[0]?.line).toBe(2);
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 8; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`);
    const r = parseConfigText(bomb.join('\n'), {});
    expect(r.ok).toBe(false);
  });

  it('escapes $${ as a literal', () => {
    expect(substituteEnv('a$${B}c', {}).value).toBe('a${B}c');
  });
});

describe('published JSON Schema', () => {
  it('schema/rampart.schema.json is generated from the validating schema (run `npm run schema` when this fails)', () => {
    const published = readFileSync(new URL('../../../schema/rampart.schema.json', import.meta.url), 'utf8');
    expect(published).toBe(publishedSchema());
  });
});

describe('README config reference', () => {
  it('README.md lists every config key as the schema has it (run `npm run docs` when this fails)', async () => {
    const { configReference } = await import('./reference.js');
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`<!-- config-reference:start -->\n${configReference()}<!-- config-reference:end -->`);
  });
});
