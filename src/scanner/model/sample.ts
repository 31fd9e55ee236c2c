import type { Schema } from './operations.js';

/**
 * A valid value for a JSON Schema: the example, default, const or first enum value when the document gives one,
 * otherwise one built from type, format, pattern and bounds. Deterministic, so two scans send the same requests.
 */
export function sampleValue(schema: Schema, name = '', depth = 0): unknown {
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const merged = mergeAllOf(schema);
  if (merged !== schema) return sampleValue(merged, name, depth);
  for (const k of ['oneOf', 'anyOf'] as const) {
    const alts = schema[k];
    if (Array.isArray(alts) && alts.length > 0 && isSchema(alts[0])) return sampleValue(alts[0], name, depth);
  }
  switch (typeOf(schema)) {
    case 'integer':
      return sampleNumber(schema, true);
    case 'number':
      return sampleNumber(schema, false);
    case 'boolean':
      return true;
    case 'array': {
      const items = isSchema(schema.items) ? schema.items : {};
      const n = Math.max(1, typeof schema.minItems === 'number' ? schema.minItems : 1);
      return depth > 6 ? [] : Array.from({ length: n }, () => sampleValue(items, name, depth + 1));
    }
    case 'object':
      return depth > 6 ? {} : sampleObject(schema, depth);
    case 'null':
      return null;
    default:
      return sampleString(schema, name);
  }
}

export function isSchema(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function typeOf(schema: Schema): string | undefined {
  const t = schema.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.find((x): x is string => typeof x === 'string' && x !== 'null');
  if (isSchema(schema.properties)) return 'object';
  if (schema.items !== undefined) return 'array';
  return undefined;
}

/** allOf members merged into one schema (properties and required lists unioned). */
export function mergeAllOf(schema: Schema): Schema {
  if (!Array.isArray(schema.allOf)) return schema;
  const properties: Record<string, unknown> = { ...(isSchema(schema.properties) ? schema.properties : {}) };
  const required: string[] = Array.isArray(schema.required) ? schema.required.map(String) : [];
  let out: Record<string, unknown> = {};
  for (const part of schema.allOf) {
    if (!isSchema(part)) continue;
    const m = mergeAllOf(part);
    out = { ...out, ...m };
    if (isSchema(m.properties)) Object.assign(properties, m.properties);
    if (Array.isArray(m.required)) required.push(...m.required.map(String));
  }
  const { allOf: _drop, ...rest } = schema;
  return { ...out, ...rest, type: 'object', properties, required };
}

/** The writable properties of an object schema (readOnly ones left out). */
export function propertiesOf(schema: Schema): Record<string, Schema> {
  const s = mergeAllOf(schema);
  const props = isSchema(s.properties) ? s.properties : {};
  const out: Record<string, Schema> = {};
  for (const [k, v] of Object.entries(props)) if (isSchema(v)) out[k] = v;
  return out;
}

function sampleObject(schema: Schema, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(propertiesOf(schema))) {
    if (v.readOnly === true) continue;
    out[k] = sampleValue(v, k, depth + 1);
  }
  return out;
}

function sampleNumber(schema: Schema, integer: boolean): number {
  const min = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : undefined;
  const max = typeof schema.maximum === 'number' ? schema.maximum : typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum - 1 : undefined;
  let v = min ?? (max !== undefined ? Math.min(1, max) : 1);
  if (max !== undefined && v > max) v = max;
  return integer ? Math.ceil(v) : v;
}

const FORMATS: Readonly<Record<string, string>> = {
  email: 'scanner@example.com',
  uuid: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  'date-time': '2024-01-01T00:00:00Z',
  date: '2024-01-01',
  time: '12:00:00Z',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  hostname: 'example.com',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  byte: 'c2Nhbm5lcg==',
  password: 'Scanner-Pa55word!',
};

const PATTERN_CANDIDATES = ['abc', 'abc123', 'ABC', '123', 'a', 'A1', 'abc-123', 'ab_12', '2024-01-01', 'AB12CD', 'x'];

function sampleString(schema: Schema, name: string): string {
  const format = typeof schema.format === 'string' ? schema.format : undefined;
  let v = (format !== undefined ? FORMATS[format] : undefined) ?? (/e-?mail/i.test(name) ? FORMATS.email! : /url|uri|link/i.test(name) ? FORMATS.uri! : 'sample');
  if (typeof schema.pattern === 'string') {
    try {
      const re = new RegExp(schema.pattern, 'u');
      if (!re.test(v)) v = PATTERN_CANDIDATES.find((c) => re.test(c)) ?? v;
    } catch {
      // An invalid pattern in the document: keep the plain sample.
    }
  }
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
  if (v.length < min) v = v + 'x'.repeat(min - v.length);
  if (max !== undefined && v.length > max) v = v.slice(0, max);
  return v;
}
