import { Value } from '@sinclair/typebox/value';
import type { Config } from '../../../core/config/schema.js';
import { authSchema, type AuthConfig } from './schema.js';

/**
 * Adapter: the `auth` section of the root config. The root schema spreads `globalStagesSchema`, so ajv has
 * validated it and filled defaults by the time a stage is built; this re-applies defaults and checks it once
 * more, so the stages stay correct with a config object built in code (tests, the demo) or before the root
 * schema includes the section. Throws with `auth.path: message` on a bad section.
 */
export function resolveAuthConfig(config: Readonly<Config>): AuthConfig {
  const raw: unknown = Reflect.get(config, 'auth');
  const value: unknown = Value.Default(authSchema, raw === undefined ? {} : Value.Clone(raw));
  if (!Value.Check(authSchema, value)) {
    const first = Value.Errors(authSchema, value).First();
    throw new Error(`auth${first === undefined ? '' : first.path.replace(/\//g, '.')}: ${first?.message ?? 'invalid'}`);
  }
  return value;
}

/** Lower-case, with `_` and `.` read as `-`: how some servers (CGI, nginx with underscores_in_headers) fold names. */
export const foldHeaderName = (name: string): string => name.toLowerCase().replace(/[_.]/g, '-');
