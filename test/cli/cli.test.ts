import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startUpstream } from '../../src/testing/gateway.js';

const root = new URL('../../', import.meta.url).pathname;
const cli = ['--import', 'tsx', join(root, 'src/cli/main.ts')];
const run = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [...cli, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });

describe('rampart CLI', () => {
  it('--help and --version exit 0; no command or an unknown one is a usage error (2)', () => {
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Exit codes');
    for (const verb of ['serve', 'validate', 'demo']) expect(help.stdout).toContain(verb);
    expect(run(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(run([]).status).toBe(2);
    expect(run(['frobnicate']).status).toBe(2);
    expect(run(['validate', '--bogus']).status).toBe(2);
    expect(run(['validate']).status).toBe(2);
  });

  it('validate: 0 for a good file, 1 listing every problem with file:line for a bad one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-cli-'));
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'version: 1\nupstreams:\n  a: { targets: ["http://127.0.0.1:1"] }\nroutes:\n  - { id: r, match: { path: "/" }, upstream: a }\n');
    const ok = run(['validate', '--config', good]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('valid');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'version: 1\nlisten:\n  port: -1\nupstreams: {}\nroutes:\n  - { id: r, match: { path: "/" }, upstream: a }\n');
    const r = run(['validate', '--config', bad]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${bad}:3:`);
    expect(r.stderr).toContain('listen.port');
    expect(r.stderr).toContain('routes[0].upstream: unknown upstream "a"');
    expect(run(['validate', '--config', join(dir, 'missing.yaml')]).status).toBe(1);
  });

  it('every example config validates', () => {
    for (const f of ['demo.yaml', 'minimal.yaml', 'bench.yaml']) {
      const r = run(['validate', '--config', join(root, 'examples', f)], { UPSTREAM_URL: 'http://127.0.0.1:1', JWT_SECRET: 'x'.repeat(32) });
      expect(r.status, `${f}: ${r.stderr}`).toBe(0);
    }
  });

  it('serve: exit 1 on an invalid config; runs, proxies, and exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-serve-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'version: 2\n');
    expect(run(['serve', '--config', bad]).status).toBe(1);

    const up = await startUpstream((_q, r) => r.end('through'));
    try {
      const child = spawn(process.execPath, [...cli, 'serve', '--config', join(root, 'examples/minimal.yaml'), '--port', '0', '--no-watch'], { cwd: root, env: { ...process.env, UPSTREAM_URL: up.url } });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      const url = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no listen line: ${out}`)), 20_000);
        child.stdout.on('data', () => {
          const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
          if (m?.[1] !== undefined) {
            clearTimeout(t);
            resolve(m[1]);
          }
        });
      });
      expect(await (await fetch(`${url}/anything`)).text()).toBe('through');
      const code = await new Promise<number | null>((resolve) => {
        child.on('exit', resolve);
        child.kill('SIGTERM');
      });
      expect(code).toBe(0);
      expect(out).toContain('"msg":"access"');
      expect(out).toContain('shutdown complete');
    } finally {
      await up.close();
    }
  });
});
