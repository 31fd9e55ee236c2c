import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bench, describe } from 'vitest';
import { parseJsonBounded, DEFAULT_JSON_LIMITS } from '../../../../core/json/index.js';
import { loadOpenApi } from '../../../../core/openapi/load.js';
import { visitShape } from '../../../../core/openapi/shape.js';
import { fakeContext } from '../fake-context.js';
import { validationConfigOf } from '../test-config.js';
import { compileDocument, createValidationStage } from '../validation.js';

/**
 * Per-request cost of validation: `npx vitest bench --run src/gateway/stages/validation`.
 * The body is the ../shared/bench POST payload (1,084 bytes) against this folder's bench document.
 */
const doc = fileURLToPath(new URL('./users.openapi.yaml', import.meta.url));
const payload = readFileSync('/work/shared/bench/payloads/user.json');
const loaded = await loadOpenApi(doc);
const cfg = validationConfigOf({ openapi: doc });
const compiled = compileDocument(loaded, cfg, () => undefined);
const stage = createValidationStage(compiled, cfg, '');
const post = fakeContext({ method: 'POST', url: '/users', headers: [['Content-Type', 'application/json']], body: payload });
const get = fakeContext({ url: '/users?limit=10&offset=0' });
const validateBody = compiled.byId.get('POST /users')?.body?.media.get('application/json')?.validate;
const value: unknown = JSON.parse(payload.toString());
const shape = compiled.byId.get('POST /users')?.body?.media.get('application/json')?.shape;
for (const ctx of [post, get]) {
  const d = stage.onRequest?.(ctx);
  if (d === undefined || d instanceof Promise || d.kind !== 'continue') throw new Error('bench requests must pass validation');
}

describe('validation per request', () => {
  bench('POST /users, 1 KB JSON: whole stage', () => {
    stage.onRequest?.(post);
  });
  bench('GET /users?limit=10&offset=0: whole stage', () => {
    stage.onRequest?.(get);
  });
  bench('1 KB JSON: JSON.parse alone (reference)', () => {
    JSON.parse(payload.toString());
  });
  bench('1 KB JSON: bounded parse (pre-scan + JSON.parse)', () => {
    parseJsonBounded(payload, DEFAULT_JSON_LIMITS);
  });
  bench('1 KB JSON: declared-shape walk alone (mass-assignment guard)', () => {
    if (shape !== undefined) visitShape(value, shape, { flag: 'readOnly', removeUndeclared: false, removeFlagged: false });
  });
  bench('1 KB JSON: compiled ajv validator alone', () => {
    validateBody?.(value);
  });
});
