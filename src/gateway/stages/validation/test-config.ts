import { fileURLToPath } from 'node:url';
import { Value } from '@sinclair/typebox/value';
import { validationSchema, type ValidationConfig } from './schema.js';

/** The demo API's document: the realistic fixture of the validation tests. */
export const DEMO_OPENAPI = fileURLToPath(new URL('../../../demo/openapi.yaml', import.meta.url));

/** A route's validation config with defaults filled, from the YAML-shaped partial a user would write. */
export function validationConfigOf(partial: Readonly<Record<string, unknown>> = {}): ValidationConfig {
  const v: unknown = Value.Default(validationSchema, { openapi: DEMO_OPENAPI, ...structuredClone(partial) });
  if (!Value.Check(validationSchema, v)) throw new Error('invalid validation config in a test');
  return v;
}
