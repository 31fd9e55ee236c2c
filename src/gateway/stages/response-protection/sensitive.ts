import { isRecord } from '../../../core/openapi/operations.js';

/** `password_hash`, `passwordHash` and `Password-Hash` are one name. */
export const normaliseFieldName = (k: string): string => k.toLowerCase().replace(/[_-]/g, '');

/**
 * Remove or mask members whose (normalised) name is in `names`, anywhere in a parsed JSON value, in place.
 * Returns the JSON pointers touched.
 */
export function redactFields(value: unknown, names: ReadonlySet<string>, action: 'remove' | 'mask'): string[] {
  const touched: string[] = [];
  const walk = (v: unknown, ptr: string): void => {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) walk(v[i], `${ptr}/${i}`);
      return;
    }
    if (!isRecord(v)) return;
    for (const k of Object.keys(v)) {
      const p = `${ptr}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (names.has(normaliseFieldName(k))) {
        touched.push(p);
        if (action === 'remove') delete v[k];
        else v[k] = '[redacted]';
      } else walk(v[k], p);
    }
  };
  walk(value, '');
  return touched;
}
