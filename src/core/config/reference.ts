import { configSchema } from './schema.js';

/**
 * The config reference (every key, its type, default and description) rendered as Markdown from the schema
 * itself; README.md embeds it between markers and a test keeps the two equal (`npm run docs`).
 */
interface Json {
  type?: string | string[];
  properties?: Record<string, Json>;
  additionalProperties?: Json | boolean;
  patternProperties?: Record<string, Json>;
  items?: Json;
  anyOf?: Json[];
  oneOf?: Json[];
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  required?: string[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
}

function typeOf(s: Json): string {
  const alts = s.anyOf ?? s.oneOf;
  if (alts !== undefined) {
    if (alts.every((a) => a.const !== undefined)) return alts.map((a) => JSON.stringify(a.const)).join(' | ');
    return alts.map(typeOf).join(' | ');
  }
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum !== undefined) return s.enum.map((e) => JSON.stringify(e)).join(' | ');
  if (s.type === 'array') {
    const inner = s.items === undefined ? 'any' : typeOf(s.items);
    return inner.includes(' | ') ? `(${inner})[]` : `${inner}[]`;
  }
  if (s.type === 'object' && s.properties === undefined) return 'map';
  const t = Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? 'any');
  const bounds = s.minimum !== undefined || s.maximum !== undefined ? ` (${s.minimum ?? ''}..${s.maximum ?? ''})` : '';
  return t + bounds;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function rows(s: Json, path: string, out: string[], required: boolean): void {
  if (path !== '') {
    const def = s.default === undefined || (typeof s.default === 'object' && s.default !== null && Object.keys(s.default).length === 0) ? '' : `\`${JSON.stringify(s.default)}\``;
    // TypeBox marks every non-optional key required; one with a default need not be written.
    const mustWrite = required && s.default === undefined;
    out.push(`| \`${path}\` | ${cell(typeOf(s))} | ${mustWrite ? 'yes' : ''} | ${def} | ${cell(s.description ?? '')} |`);
  }
  const objectAlt = (s.anyOf ?? s.oneOf)?.find((a) => a.type === 'object' && a.properties !== undefined);
  if (objectAlt !== undefined) rows({ ...objectAlt, description: undefined, default: undefined }, path, out.slice(0, 0), false);
  if (s.properties !== undefined) {
    for (const [k, v] of Object.entries(s.properties)) {
      if (k === '$schema') continue;
      rows(v, path === '' ? k : `${path}.${k}`, out, s.required?.includes(k) ?? false);
    }
  }
  if (objectAlt?.properties !== undefined) for (const [k, v] of Object.entries(objectAlt.properties)) rows(v, `${path}.${k}`, out, objectAlt.required?.includes(k) ?? false);
  const rec = s.patternProperties !== undefined ? Object.values(s.patternProperties)[0] : typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  if (rec !== undefined && s.properties === undefined) rows({ ...rec, description: rec.description }, `${path}.<name>`, out, false);
  if (s.type === 'array' && s.items !== undefined && (s.items.properties !== undefined || s.items.anyOf !== undefined)) {
    const it = s.items;
    if (it.properties !== undefined) for (const [k, v] of Object.entries(it.properties)) rows(v, `${path}[].${k}`, out, it.required?.includes(k) ?? false);
  }
}

export function configReference(): string {
  const out = ['| key | type | required | default | description |', '| --- | --- | --- | --- | --- |'];
  rows(JSON.parse(JSON.stringify(configSchema)) as Json, '', out, false);
  return out.join('\n') + '\n';
}
