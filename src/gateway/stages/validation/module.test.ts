import { dirname } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../core/config/load.js';
import type { StageEnv } from '../../pipeline/module.js';
import { responseProtectionModule } from '../response-protection/response-protection.js';
import { DEMO_OPENAPI } from './test-config.js';
import { fakeContext } from './fake-context.js';
import { validationModule } from './validation.js';

/** A fresh environment per build (so each build registers its metrics in its own registry). */
const envOf = (): StageEnv => ({
  logger: pino({ level: 'silent' }),
  metrics: new Registry(),
  now: () => 0,
  baseDir: dirname(DEMO_OPENAPI),
  resource: (_key, create) => create(),
});

function configWith(routeExtra: string) {
  const r = parseConfigText(`
version: 1
upstreams: { app: { targets: ["http://127.0.0.1:1"] } }
routes:
  - id: plain
    match: { path: /plain }
    upstream: app
  - id: users
    match: { path: "/users/**" }
    upstream: app
${routeExtra}
`);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.config;
}

describe('validation and response-protection modules', () => {
  it('give a stage only to routes that configure them, with documents relative to the config', async () => {
    const config = configWith(`    validation: { openapi: openapi.yaml }\n    responseProtection: {}`);
    const [plain, users] = config.routes;
    if (plain === undefined || users === undefined) throw new Error('routes');
    const v = await validationModule.build(config, envOf());
    expect(v.forRoute(plain)).toBeUndefined();
    expect(v.forRoute(users)?.name).toBe('validation');
    const rp = await responseProtectionModule.build(config, envOf());
    expect(rp.forRoute(plain)).toBeUndefined();
    expect(rp.forRoute(users)?.name).toBe('response-protection');
  });

  it('refuse a config whose document is missing or not OpenAPI', async () => {
    await expect(validationModule.build(configWith(`    validation: { openapi: nope.yaml }`), envOf())).rejects.toThrow(/cannot read OpenAPI document/);
    await expect(validationModule.build(configWith(`    validation: { openapi: users-api.ts }`), envOf())).rejects.toThrow(/OpenAPI|openapi/);
  });

  it('the config schema refuses unknown or mistyped keys of both sections', () => {
    for (const bad of [`    validation: { openapi: x.yaml, mode: lenient }`, `    validation: { openapi: x.yaml, json: { maxDepth: 0 } }`, `    responseProtection: { errorBodies: hide }`, `    validation: {}`]) {
      const r = parseConfigText(`
version: 1
upstreams: { app: { targets: ["http://127.0.0.1:1"] } }
routes:
  - id: users
    match: { path: /users }
    upstream: app
${bad}
`);
      expect(r.ok, bad).toBe(false);
    }
  });
});

describe('metrics', () => {
  it('count validation events and response-protection actions per route, once per gateway', async () => {
    const metrics = new Registry();
    const resources = new Map<string, unknown>();
    const shared: StageEnv = {
      ...envOf(),
      metrics,
      resource<T>(key: string, create: () => T): T {
        if (!resources.has(key)) resources.set(key, create());
        // Test double of the runner's resource cache: same key, same value.
        return resources.get(key) as T;
      },
    };
    const config = configWith(`    validation: { openapi: openapi.yaml }\n    responseProtection: {}`);
    const users = config.routes[1];
    if (users === undefined) throw new Error('route');
    await validationModule.build(config, shared); // a reload builds again: the counters must not be registered twice
    const v = (await validationModule.build(config, shared)).forRoute(users);
    const rp = (await responseProtectionModule.build(config, shared)).forRoute(users);
    const record = { time: '', reqId: 'r', clientIp: '', method: 'POST', path: '/users', status: 400, durationMs: 1, bytesIn: 0, bytesOut: 0 };
    const ctx = fakeContext({ url: '/users' });
    v?.onLog?.(ctx, { ...record, decision: 'reject', stage: 'validation', validationErrors: ['body /role: x'] });
    rp?.onLog?.(ctx, { ...record, status: 500, decision: 'reject', stage: 'response-protection' });
    const text = await metrics.metrics();
    expect(text).toContain('rampart_validation_events_total{route="users",event="request-refused"} 1');
    expect(text).toContain('rampart_response_protection_total{route="users",action="error-body-replaced"} 1');
  });
});
