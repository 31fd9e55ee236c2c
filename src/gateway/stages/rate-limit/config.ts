import { Type } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import type { Config } from '../../../core/config/schema.js';
import { rateLimitGlobalSchema, type RateLimitGlobalConfig } from './schema.js';

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, strictTypes: false, allowUnionTypes: true });
// Wrapped in an object: ajv applies defaults to properties, never to the root.
const validateGlobal = ajv.compile<{ rateLimit: RateLimitGlobalConfig }>(Type.Object({ rateLimit: rateLimitGlobalSchema }));

/**
 * The top-level `rateLimit` section with its defaults. The config loader has validated it already once the
 * root schema spreads `globalStagesSchema`; validating a copy here (once per build) also gives the defaults
 * when the section is absent, and keeps this stage correct however the root schema is assembled.
 */
export function readGlobalConfig(config: Readonly<Config>): RateLimitGlobalConfig {
  const raw: unknown = 'rateLimit' in config ? config.rateLimit : undefined;
  const doc: unknown = { rateLimit: raw === undefined ? {} : structuredClone(raw) };
  if (!validateGlobal(doc)) {
    const issues = (validateGlobal.errors ?? []).map((e) => `${e.instancePath.slice(1).replace(/\//g, '.')}: ${e.message ?? 'invalid'}`);
    throw new Error(`invalid rate-limit config:\n  ${issues.join('\n  ')}`);
  }
  return doc.rateLimit;
}
