import { fileURLToPath } from 'node:url';
import type { ValidationConfig } from './schema.js';
import { withValidationDefaults } from './defaults.js';

/** The demo API's document: the realistic fixture of the validation tests. */
export const DEMO_OPENAPI = fileURLToPath(new URL('../../../demo/openapi.yaml', import.meta.url));

/** A route's validation config for tests: the demo document unless `openapi` is given, defaults filled. */
export function validationConfigOf(partial: Readonly<Record<string, unknown>> = {}): ValidationConfig {
  return withValidationDefaults({ openapi: DEMO_OPENAPI, ...partial });
}
