#!/usr/bin/env node
// CPU time per request of two Rampart configurations under the same load: detection's cost as the share of
// the gateway's own CPU it adds. Throughput on a shared, noisy machine swings more between rounds than the
// effect being measured; the CPU the gateway process itself burns per answered request (utime + stime from
// /proc, all its threads) moves far less with what else runs. For a single-threaded gateway held at saturation,
// throughput with detection on / off is about cpu(off) / cpu(on).
//
//   npm run build && node bench/cpu-per-request.mjs [--rounds 6] [--duration 8] [--scenario post|get]
//
// Needs ../shared/bench (wrk, its Lua report script, its JWT helper) and its upstream on UPSTREAM_PORT
// (default 19000: `../shared/bench/upstream/upstream.sh start 19000`). Everything listens on 127.0.0.1 only;
// the gateways are stopped on exit. Configs: examples/bench.yaml (every stage) and the same without detection.
/* global fetch */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BENCH = process.env.BENCH_DIR ?? join(ROOT, '..', 'shared', 'bench');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? def : process.argv[i + 1];
};
const ROUNDS = Number(arg('rounds', 6));
const DURATION = Number(arg('duration', 8));
const SCENARIO = arg('scenario', 'post');
const UPSTREAM = `http://127.0.0.1:${process.env.UPSTREAM_PORT ?? 19000}`;
const { makeToken, DEFAULT_JWT_SECRET } = await import(join(BENCH, 'lib', 'jwt.mjs'));

const dir = mkdtempSync(join(tmpdir(), 'rampart-cpu-'));
const full = readFileSync(join(ROOT, 'examples', 'bench.yaml'), 'utf8');
const noDetect = full
  .split('\n')
  .filter((l) => !/^ {4}detection:/.test(l) && !/^ {6}mode: block/.test(l))
  .join('\n');
if (noDetect === full) throw new Error('examples/bench.yaml has no detection section to take out');
// Next to bench.yaml: the OpenAPI document is named relative to the config file.
const noDetectFile = join(ROOT, 'examples', '.bench-nodetect.yaml');
writeFileSync(noDetectFile, noDetect);
const targets = [
  { name: 'detection on', config: join(ROOT, 'examples', 'bench.yaml'), port: 19021 },
  { name: 'detection off', config: noDetectFile, port: 19022 },
];

const children = [];
const stop = () => {
  for (const c of children) c.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  rmSync(noDetectFile, { force: true });
};
process.on('exit', stop);
process.on('SIGINT', () => process.exit(130));

function cpuMs(pid) {
  // Fields 14 and 15 of /proc/PID/stat (after the command name in parentheses): utime, stime in clock ticks.
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

async function start(t) {
  const env = { ...process.env, NODE_ENV: 'production', UPSTREAM_URL: UPSTREAM, PORT: String(t.port), JWT_SECRET: DEFAULT_JWT_SECRET, RAMPART_ACCESS_LOG: join(dir, `${t.port}.log`) };
  const c = spawn(process.execPath, [join(ROOT, 'bin', 'rampart.js'), 'serve', '--config', t.config, '--no-watch'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(c);
  t.pid = c.pid;
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const ok = await fetch(`http://127.0.0.1:${t.port}/users`).then(() => true, () => false); // any answer (401) means listening
    if (ok) return;
  }
  throw new Error(`${t.name} did not start on ${t.port}`);
}

function wrk(port, seconds) {
  const path = SCENARIO === 'post' ? '/users' : '/users?limit=10&offset=0';
  const env = { ...process.env, BENCH_METHOD: SCENARIO === 'post' ? 'POST' : 'GET', BENCH_BODY_FILE: SCENARIO === 'post' ? join(BENCH, 'payloads', 'user.json') : '', BENCH_TOKEN: makeToken(), BENCH_HOST: 'api.bench.test' };
  return new Promise((resolve, reject) => {
    const c = spawn('wrk', ['-t', '1', '-c', '50', '-d', `${seconds}s`, '-s', join(BENCH, 'lib', 'wrk-report.lua'), `http://127.0.0.1:${port}${path}`], { env });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('exit', (code) => {
      const m = /^PROXYBENCH (\{.*\})$/m.exec(out);
      if (code !== 0 || m === null) return reject(new Error(`wrk exited ${code}`));
      const r = JSON.parse(m[1]);
      if (r.err_status > 0) return reject(new Error(`port ${port}: ${r.err_status} answers were not 2xx/3xx`));
      resolve(r);
    });
  });
}

for (const t of targets) await start(t);
for (const t of targets) await wrk(t.port, 3); // warm-up (JIT), unmeasured
const ratios = [];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`scenario ${SCENARIO}, ${ROUNDS} rounds x ${DURATION} s per target, 50 connections`);
for (let round = 1; round <= ROUNDS; round++) {
  const per = {};
  // Alternate the order each round: neither target always runs right after the other.
  for (const t of round % 2 ? targets : [...targets].reverse()) {
    const before = cpuMs(t.pid);
    const r = await wrk(t.port, DURATION);
    const cpu = cpuMs(t.pid) - before;
    per[t.name] = { usPerReq: (cpu * 1000) / r.requests, rps: r.requests / (r.duration_us / 1e6) };
  }
  const on = per['detection on'];
  const off = per['detection off'];
  ratios.push(off.usPerReq / on.usPerReq);
  console.log(`round ${round}: on ${on.usPerReq.toFixed(1)} µs/req (${on.rps.toFixed(0)} req/s), off ${off.usPerReq.toFixed(1)} µs/req (${off.rps.toFixed(0)} req/s), cpu(off)/cpu(on) ${ratios.at(-1).toFixed(3)}`);
}
console.log(`median cpu(off)/cpu(on) over ${ROUNDS} rounds: ${median(ratios).toFixed(3)} (detection adds ${((1 / median(ratios) - 1) * 100).toFixed(1)}% CPU per request)`);
