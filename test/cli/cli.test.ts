import { spawn, spawnSync } from 'node:child_process';
import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startUpstream } from '../../src/testing/gateway.js';

const root = new URL('../../', import.meta.url).pathname;
const cli = ['--import', 'tsx', join(root, 'src/cli/run.ts')];

/** Run the CLI in-process (fast), capturing what it writes; `env` is set for the call. */
async function run(args: string[], env: Record<string, string> = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true));
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return { status: await main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

describe('rampart CLI', () => {
  it('--help and --version exit 0; no command or an unknown one is a usage error (2)', async () => {
    const help = await run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Exit codes');
    for (const verb of ['serve', 'validate', 'demo', 'scan', 'inspect', 'keys']) expect(help.stdout).toContain(verb);
    expect((await run(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect((await run([])).status).toBe(2);
    expect((await run(['frobnicate'])).status).toBe(2);
    expect((await run(['validate', '--bogus'])).status).toBe(2);
    expect((await run(['validate'])).status).toBe(2);
    // The real executable, once.
    const spawned = spawnSync(process.execPath, [...cli, '--version'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(spawned.status).toBe(0);
    expect(spawned.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('validate: 0 for a good file, 1 listing every problem with file:line for a bad one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-cli-'));
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'version: 1\nupstreams:\n  a: { targets: ["http://127.0.0.1:1"] }\nroutes:\n  - { id: r, match: { path: "/" }, upstream: a }\n');
    const ok = await run(['validate', '--config', good]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('valid');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'version: 1\nlisten:\n  port: -1\nupstreams: {}\nroutes:\n  - { id: r, match: { path: "/" }, upstream: a }\n');
    const r = await run(['validate', '--config', bad]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${bad}:3:`);
    expect(r.stderr).toContain('listen.port');
    expect(r.stderr).toContain('routes[0].upstream: unknown upstream "a"');
    expect((await run(['validate', '--config', join(dir, 'missing.yaml')])).status).toBe(1);
  });

  it('openapi check: 0 for the demo document, 1 for a broken one, 2 without a file', async () => {
    const ok = await run(['openapi', 'check', join(root, 'src/demo/openapi.yaml')]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('GET /users/{id}');
    const dir = mkdtempSync(join(tmpdir(), 'rampart-oas-'));
    writeFileSync(join(dir, 'bad.yaml'), 'openapi: 3.1.0\ninfo: {title: x, version: "1"}\npaths:\n  /a:\n    get:\n      responses: { "200": { $ref: "#/nowhere" } }\n');
    expect((await run(['openapi', 'check', join(dir, 'bad.yaml')])).status).toBe(1);
    expect((await run(['openapi'])).status).toBe(2);
  });

  it('every example config validates', async () => {
    for (const f of ['demo.yaml', 'minimal.yaml', 'bench.yaml', 'bench-plain.yaml', 'detect-only.yaml']) {
      const r = await run(['validate', '--config', join(root, 'examples', f)], { UPSTREAM_URL: 'http://127.0.0.1:1', JWT_SECRET: 'x'.repeat(32) });
      expect(r.status, `${f}: ${r.stderr}`).toBe(0);
    }
  });

  it('serve: exit 1 on an invalid config; runs, proxies, and exits 0 on SIGTERM', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rampart-serve-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'version: 2\n');
    expect((await run(['serve', '--config', bad])).status).toBe(1);

    const up = await startUpstream((_q, r) => r.end('through'));
    const other = await startUpstream((_q, r) => r.end('reloaded'));
    const file = join(dir, 'serve.yaml');
    writeFileSync(file, readFileSync(join(root, 'examples/minimal.yaml'), 'utf8'));
    try {
      const child = spawn(process.execPath, [...cli, 'serve', '--config', file, '--port', '0', '--no-watch'], { cwd: root, env: { ...process.env, UPSTREAM_URL: up.url } });
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
      // SIGHUP reloads the file (with --no-watch, only the signal does).
      writeFileSync(file, readFileSync(file, 'utf8').replace('${UPSTREAM_URL}', other.url));
      child.kill('SIGHUP');
      let body = '';
      for (let i = 0; i < 100 && body !== 'reloaded'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        body = await (await fetch(`${url}/anything`)).text();
      }
      expect(body).toBe('reloaded');
      const code = await new Promise<number | null>((resolve) => {
        child.on('exit', resolve);
        child.kill('SIGTERM');
      });
      expect(code).toBe(0);
      expect(out).toContain('"msg":"access"');
      expect(out).toContain('shutdown complete');
    } finally {
      await up.close();
      await other.close();
    }
  });
});
