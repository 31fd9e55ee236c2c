import { dirname } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../core/config/load.js';
import type { StageEnv } from '../../pipeline/module.js';
import { responseProtectionModule } from '../response-protection/response-protection.js';
import { DEMO_OPENAPI } from './test-config.js';
import { validationModule } from './validation.js';

const env: StageEnv = {
  logger: pino({ level: 'silent' }),
  metrics: new Registry(),
  now: () => 0,
  baseDir: dirname(DEMO_OPENAPI),
  resource: (_key, create) => create(),
};

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
    const v = await validationModule.build(config, env);
    expect(v.forRoute(plain)).toBeUndefined();
    expect(v.forRoute(users)?.name).toBe('validation');
    const rp = await responseProtectionModule.build(config, env);
    expect(rp.forRoute(plain)).toBeUndefined();
    expect(rp.forRoute(users)?.name).toBe('response-protection');
  });

  it('refuse a config whose document is missing or not OpenAPI', async () => {
    await expect(validationModule.build(configWith(`    validation: { openapi: nope.yaml }`), env)).rejects.toThrow(/cannot read OpenAPI document/);
    await expect(validationModule.build(configWith(`    validation: { openapi: users-api.ts }`), env)).rejects.toThrow(/OpenAPI|openapi/);
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
