import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../core/config/load.js';
import type { Config } from '../../../core/config/schema.js';
import { problemBody } from '../../../core/problems/index.js';
import type { StageEnv } from '../../pipeline/module.js';
import type { RequestContext, Stage } from '../../pipeline/types.js';
import { detectionModule } from './detection.js';

function config(detection: string): Config {
  const text = `
version: 1
upstreams:
  app:
    targets: ["http://127.0.0.1:3000"]
routes:
  - id: all
    match: { path: "/**" }
    upstream: app
${detection}
  - id: plain
    match: { path: "/plain" }
    upstream: app
`;
  const r = parseConfigText(text, {});
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.config;
}

function env(metrics = new Registry()): StageEnv {
  return { logger: pino({ level: 'silent' }), metrics, now: () => Date.now(), baseDir: '.', resource: (_k, create) => create() };
}

function stageFor(yaml: string, metrics?: Registry): Stage {
  const cfg = config(yaml);
  const build = detectionModule.build(cfg, env(metrics));
  if (build instanceof Promise) throw new Error('sync build expected');
  const route = cfg.routes[0];
  if (route === undefined) throw new Error('no route');
  const stage = build.forRoute(route);
  if (stage === undefined) throw new Error('no stage');
  return stage;
}

function ctx(url: string, opts: { method?: string; body?: string; headers?: Record<string, string> } = {}): RequestContext & { notes: Record<string, unknown> } {
  const raw = new IncomingMessage(new Socket());
  raw.url = url;
  const notes: Record<string, unknown> = {};
  const q = url.indexOf('?');
  return {
    id: 'req-1',
    startedAt: 0,
    method: opts.method ?? 'GET',
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? '' : url.slice(q + 1),
    host: 'api.example.com',
    clientIp: '127.0.0.1',
    peerIp: '127.0.0.1',
    headers: { host: 'api.example.com', ...opts.headers },
    raw,
    body: opts.body === undefined ? undefined : Buffer.from(opts.body),
    facts: {},
    annotate: (k, v) => {
      notes[k] = v;
    },
    notes,
  };
}

const attack = "/items?q=1'%20OR%20'1'%3D'1";

describe('detection stage', () => {
  it('blocks an attack with attack-detected (403), category and rule, never the payload', () => {
    const stage = stageFor('    detection: {}');
    expect(stage.needsBody).toBe(true);
    const c = ctx(attack);
    const d = stage.onRequest?.(c);
    if (d === undefined || d instanceof Promise || d.kind !== 'reject') throw new Error('expected a synchronous reject');
    expect(d.problem.code).toBe('attack-detected');
    expect(d.problem.extensions).toMatchObject({ category: 'sqli' });
    expect(String(d.problem.extensions?.rule)).toMatch(/^sqli\./);
    const body = problemBody(d.problem, 'req-1');
    expect(body).not.toContain('OR');
    expect(body).not.toContain("'1'");
    expect(body).toContain('"requestId":"req-1"');
    expect(c.notes.detection).toMatchObject({ blocked: true });
  });

  it('passes benign requests synchronously without annotating', () => {
    const stage = stageFor('    detection: {}');
    const c = ctx('/items?name=O%27Brien&q=select%20a%20seat', { method: 'POST', body: '{"bio":"Union rep; likes select wines"}', headers: { 'content-type': 'application/json' } });
    const d = stage.onRequest?.(c);
    expect(d).toMatchObject({ kind: 'continue' });
    expect(c.notes.detection).toBeUndefined();
  });

  it('inspects the body', () => {
    const stage = stageFor('    detection: {}');
    const d = stage.onRequest?.(ctx('/items', { method: 'POST', body: '{"comment":"<script>alert(1)</script>"}', headers: { 'content-type': 'application/json' } }));
    expect(d).toMatchObject({ kind: 'reject' });
  });

  it('detect mode logs and passes, with the verdict in the facts', () => {
    const stage = stageFor('    detection: { mode: detect }');
    const c = ctx(attack);
    const d = stage.onRequest?.(c);
    expect(d).toMatchObject({ kind: 'continue', facts: { detection: { blocked: false } } });
    expect(c.notes.detection).toMatchObject({ blocked: false });
  });

  it('honours exclusions per parameter and detector', () => {
    const stage = stageFor('    detection:\n      exclusions:\n        - { location: "body:/comment", detector: xss }');
    const ok = stage.onRequest?.(ctx('/items', { method: 'POST', body: '{"comment":"<b onclick=x()>hi</b>"}', headers: { 'content-type': 'application/json' } }));
    expect(ok).toMatchObject({ kind: 'continue' });
    const blocked = stage.onRequest?.(ctx('/items', { method: 'POST', body: '{"title":"<b onclick=x()>hi</b>"}', headers: { 'content-type': 'application/json' } }));
    expect(blocked).toMatchObject({ kind: 'reject' });
  });

  it('rejects an unknown detector in exclusions when the config is built', () => {
    const cfg = config('    detection:\n      exclusions:\n        - { detector: sqlx }');
    expect(() => detectionModule.build(cfg, env())).toThrow(/unknown detector or rule "sqlx"/);
  });

  it('past the inspection cap: block answers 413, inspect-prefix decides on what was read', () => {
    const big = JSON.stringify({ a: 'x'.repeat(3000), b: 'fine' });
    const blockStage = stageFor('    detection: { maxInspectBytes: 1024, overLimit: block }');
    expect(blockStage.onRequest?.(ctx('/items', { method: 'POST', body: big, headers: { 'content-type': 'application/json' } }))).toMatchObject({ kind: 'reject', problem: { code: 'payload-too-large' } });
    const prefixStage = stageFor('    detection: { maxInspectBytes: 1024 }');
    expect(prefixStage.onRequest?.(ctx('/items', { method: 'POST', body: big, headers: { 'content-type': 'application/json' } }))).toMatchObject({ kind: 'continue' });
  });

  it('counts decisions and findings in the metrics', async () => {
    const metrics = new Registry();
    const stage = stageFor('    detection: {}', metrics);
    stage.onRequest?.(ctx(attack));
    const text = await metrics.metrics();
    expect(text).toContain('rampart_detection_decisions_total{route="all",outcome="block"} 1');
    expect(text).toMatch(/rampart_detection_findings_total\{route="all",category="sqli",rule="sqli\.[a-z-]+"\} 1/);
  });

  it('routes without a detection section get no stage', () => {
    const cfg = config('    detection: {}');
    const build = detectionModule.build(cfg, env());
    if (build instanceof Promise) throw new Error('sync build expected');
    expect(build.forRoute(cfg.routes[1] ?? cfg.routes[0]!)).toBeUndefined();
  });

  it('examples/detect-only.yaml is a valid config with detection on the catch-all route', () => {
    const text = readFileSync(new URL('../../../../examples/detect-only.yaml', import.meta.url), 'utf8');
    const r = parseConfigText(text, { UPSTREAM_URL: 'http://127.0.0.1:18011' });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.config.routes[0]?.detection).toMatchObject({ mode: 'block', paranoia: 2, threshold: 5 });
  });
});
