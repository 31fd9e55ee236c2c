import type { LoadedOpenApi } from './load.js';
import { isRecord, type RawSchema } from './operations.js';

/** A JSON Schema 2020-12 value ready for `ajv/dist/2020`. */
export type JsonSchema = boolean | Record<string, unknown>;

export interface ConvertOptions {
  readonly version: LoadedOpenApi['version'];
  /** Requests refuse readOnly properties; responses do not require writeOnly ones (OpenAPI 3 §4.8.24.1). */
  readonly direction: 'request' | 'response';
  /** The dereferenced document, to resolve the `$ref`s the dereferencer leaves on cycles. */
  readonly document: Readonly<Record<string, unknown>>;
  /** Formats the validator knows; others are dropped with a warning (ajv strict refuses unknown formats). */
  readonly knownFormats: ReadonlySet<string>;
}

export interface ConvertResult {
  readonly schema: JsonSchema;
  /** Keywords and formats that were dropped, once each. */
  readonly warnings: readonly string[];
}

/** Keyword added by the converter: a property that the client must not send (readOnly in a request). */
export const READ_ONLY_KEYWORD = 'rampartReadOnly';

const SINGLE = ['items', 'additionalProperties', 'not', 'contains', 'propertyNames', 'if', 'then', 'else', 'unevaluatedItems', 'unevaluatedProperties', 'contentSchema'];
const MAPS = ['properties', 'patternProperties', 'dependentSchemas'];
const LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const PLAIN = new Set([
  'type', 'enum', 'const', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength',
  'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxContains', 'minContains', 'maxProperties', 'minProperties', 'required',
  'dependentRequired', 'format', 'title', 'description', 'default', 'deprecated', 'readOnly', 'writeOnly', 'examples',
  'contentMediaType', 'contentEncoding', '$comment',
]);
// Annotations of OpenAPI that JSON Schema does not know: dropped silently (they never constrain a value).
const SILENT = new Set(['example', 'xml', 'externalDocs', 'discriminator', 'nullable', '$schema', '$id', '$anchor', '$defs', 'definitions']);

const defName = (ref: string): string => ref.replace(/^#\//, '').replace(/[^A-Za-z0-9_.-]/g, '_');

function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let cur = doc;
  for (const raw of ref.slice(2).split('/')) {
    const token = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isRecord(cur) && !Array.isArray(cur)) return undefined;
    cur = isRecord(cur) ? cur[token] : undefined;
  }
  return cur;
}

/**
 * Convert an OpenAPI schema object (2.0, 3.0 or 3.1) into JSON Schema 2020-12: `nullable` becomes a `null`
 * type, boolean `exclusiveMinimum`/`exclusiveMaximum` become numbers, OpenAPI-only annotations and `x-`
 * extensions are dropped, readOnly properties are refused in requests, and the cycles the dereferencer left as
 * `$ref` become `$defs`. Pure; the input is not changed.
 */
export function toJsonSchema(raw: RawSchema, options: ConvertOptions): ConvertResult {
  const warnings = new Set<string>();
  const defs: Record<string, JsonSchema> = {};
  const memo = new WeakMap<object, JsonSchema>();
  const legacy = options.version !== '3.1';

  const convert = (s: unknown, where: string): JsonSchema => {
    if (typeof s === 'boolean') return s;
    if (!isRecord(s)) return {};
    const cached = memo.get(s);
    if (cached !== undefined) return cached;
    const out: Record<string, unknown> = {};
    memo.set(s, out);
    if (typeof s.$ref === 'string') {
      const name = defName(s.$ref);
      if (!(name in defs)) {
        defs[name] = {};
        const target = resolvePointer(options.document, s.$ref);
        if (target === undefined) warnings.add(`${where}: unresolvable $ref ${s.$ref} accepts any value`);
        defs[name] = convert(target, s.$ref);
      }
      out.$ref = `#/$defs/${name}`;
      return out;
    }
    for (const [k, v] of Object.entries(s)) {
      if (SINGLE.includes(k)) out[k] = typeof v === 'boolean' ? v : convert(v, `${where}/${k}`);
      else if (MAPS.includes(k) && isRecord(v)) {
        const m: Record<string, JsonSchema> = {};
        for (const [name, sub] of Object.entries(v)) m[name] = convert(sub, `${where}/${k}/${name}`);
        out[k] = m;
      } else if (LISTS.includes(k) && Array.isArray(v)) out[k] = v.map((sub, i) => convert(sub, `${where}/${k}/${i}`));
      else if (k === 'format' && typeof v === 'string' && !options.knownFormats.has(v)) warnings.add(`unknown format "${v}" not checked`);
      else if (PLAIN.has(k)) out[k] = v;
      else if (!SILENT.has(k) && !k.startsWith('x-')) warnings.add(`keyword "${k}" not checked`);
    }
    if (legacy) convertLegacy(s, out);
    if (out.type === 'file') {
      out.type = 'string';
      out.format = 'binary';
    }
    dropDirectional(out, options.direction);
    return out;
  };

  const root = convert(raw, '#');
  const schema = typeof root === 'object' && Object.keys(defs).length > 0 ? { ...root, $defs: defs } : root;
  return { schema, warnings: [...warnings] };
}

/** OpenAPI 3.0 / Swagger 2.0 keywords with another meaning in JSON Schema 2020-12. */
function convertLegacy(s: Record<string, unknown>, out: Record<string, unknown>): void {
  for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof s[flag] !== 'boolean') continue;
    delete out[flag];
    if (s[flag] === true && typeof s[bound] === 'number') {
      out[flag] = s[bound];
      delete out[bound];
    }
  }
  if (s.nullable === true || s['x-nullable'] === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    if (out.type === undefined && (out.allOf !== undefined || out.oneOf !== undefined || out.anyOf !== undefined)) {
      const inner = { ...out };
      for (const k of Object.keys(out)) delete out[k];
      out.anyOf = [inner, { type: 'null' }];
    }
  }
}

/** readOnly properties may not be sent; writeOnly ones are not required in responses. */
function dropDirectional(out: Record<string, unknown>, direction: ConvertOptions['direction']): void {
  const props = out.properties;
  if (!isRecord(props)) return;
  const flag = direction === 'request' ? 'readOnly' : 'writeOnly';
  const flagged = Object.keys(props).filter((k) => {
    const p = props[k];
    return isRecord(p) && p[flag] === true;
  });
  if (flagged.length === 0) return;
  if (Array.isArray(out.required)) out.required = out.required.filter((r) => !flagged.includes(String(r)));
  if (direction === 'request') for (const k of flagged) props[k] = { [READ_ONLY_KEYWORD]: true };
}
