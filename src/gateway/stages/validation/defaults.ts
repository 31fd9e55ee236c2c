import { Value } from '@sinclair/typebox/value';
import { validationSchema, type ValidationConfig } from './schema.js';

/** A validation config with its defaults filled, from the YAML-shaped object a user would write. Throws when invalid. */
export function withValidationDefaults(partial: Readonly<Record<string, unknown>>): ValidationConfig {
  const v: unknown = Value.Default(validationSchema, structuredClone(partial));
  if (!Value.Check(validationSchema, v)) throw new Error('invalid validation config');
  return v;
}
