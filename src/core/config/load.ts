import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node as YamlNode } from 'yaml';
import { configSchema, type Config } from './schema.js';
import { isSingleReference, substituteEnv } from './env.js';
import { checkSemantics } from './semantics.js';

/** One problem found in a config file: `path: message`, with the line when known. */
export interface ConfigIssue {
  /** Dotted path into the config, e.g. `routes[0].upstream`; '' for the root. */
  readonly path: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

export type ConfigResult =
  | { readonly ok: true; readonly config: Readonly<Config>; readonly warnings: readonly ConfigIssue[] }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

export class ConfigError extends Error {
  readonly code = 'ERR_RAMPART_CONFIG';
  constructor(
    readonly file: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(`invalid config ${file}:\n${formatIssues(issues, file)}`);
  }
}

export function formatIssues(issues: readonly ConfigIssue[], file?: string): string {
  return issues
    .map((i) => {
      const where = i.line === undefined ? '' : `${file ?? ''}${file === undefined ? 'line ' : ':'}${i.line}${i.column === undefined ? '' : ':' + i.column}: `;
      return `  ${where}${i.path === '' ? '(root)' : i.path}: ${i.message}`;
    })
    .join('\n');
}

// ajv-formats is CommonJS; its default export is the function under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, strictTypes: false, allowUnionTypes: true });
addFormats(ajv);
const validateSchema = ajv.compile<Config>(configSchema);

/** Read, substitute, parse, validate and freeze a config file. Never throws on bad input: returns issues. */
export function loadConfigFile(file: string, env: Readonly<Record<string, string | undefined>> = process.env): ConfigResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { ok: false, issues: [{ path: '', message: `cannot read file: ${(err as Error).message}` }] };
  }
  return parseConfigText(text, env);
}

export function parseConfigText(text: string, env: Readonly<Record<string, string | undefined>> = process.env): ConfigResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const issues: ConfigIssue[] = [];
  for (const e of doc.errors) {
    const pos = lineCounter.linePos(e.pos[0]);
    issues.push({ path: '', message: `YAML: ${e.message.split('\n')[0]}`, line: pos.line, column: pos.col });
  }
  if (issues.length > 0) return { ok: false, issues };

  // Substitute ${VAR} in scalar values, remembering where each missing variable was used.
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string' || !node.value.includes('${')) return;
      const raw = node.value;
      const { value, missing } = substituteEnv(raw, env);
      for (const name of missing) {
        const pos = node.range ? lineCounter.linePos(node.range[0]) : undefined;
        issues.push({ path: pathOfNode(doc, node), message: `environment variable ${name} is not set and has no default`, line: pos?.line, column: pos?.col });
      }
      // An unquoted `${PORT:-8080}` takes the type the value would have had if written literally.
      if (node.type === 'PLAIN' && isSingleReference(raw) && /^(-?\d+(\.\d+)?|true|false)$/.test(value)) {
        node.value = value === 'true' ? true : value === 'false' ? false : Number(value);
      } else {
        node.value = value;
      }
    },
  });

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (err) {
    return { ok: false, issues: [...issues, { path: '', message: `YAML: ${(err as Error).message}` }] };
  }
  const valid = validateSchema(data);
  // A value emptied by a missing variable fails its schema too; the missing variable is the one thing to say.
  const unset = new Set(issues.map((i) => i.path));
  if (!valid) for (const e of dedupeErrors(validateSchema.errors ?? [])) {
    const issue = toIssue(e, doc, lineCounter);
    if (!unset.has(issue.path)) issues.push(issue);
  }
  // Cross-references are checked even when the shape is wrong elsewhere, so one run lists every problem;
  // on a malformed document the checks may trip over a missing part, which the schema already reported.
  let semantic: { path: string; message: string }[];
  try {
    semantic = checkSemantics(data as Config);
  } catch {
    semantic = [];
  }
  for (const s of semantic) {
    if (issues.some((i) => i.path === s.path)) continue;
    issues.push({ ...s, ...locate(doc, lineCounter, s.path) });
  }
  if (!valid || issues.length > 0) return { ok: false, issues };
  return { ok: true, config: deepFreeze(data as Config), warnings: [] };
}

/** ajv reports every branch of a failed anyOf; keep the most useful messages and drop exact repeats. */
function dedupeErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  const out: ErrorObject[] = [];
  for (const e of errors) {
    const k = `${e.instancePath}|${e.keyword}|${e.message ?? ''}|${JSON.stringify(e.params)}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(e);
  }
  // When an anyOf failed, the branch errors below it explain it; the anyOf line itself adds nothing.
  return out.filter((e) => !(e.keyword === 'anyOf' && out.some((o) => o !== e && o.instancePath.startsWith(e.instancePath))) || out.length === 1);
}

function toIssue(e: ErrorObject, doc: Document, lc: LineCounter): ConfigIssue {
  const segments = pointerSegments(e.instancePath);
  let message = e.message ?? 'is invalid';
  if (e.keyword === 'additionalProperties') {
    const extra = String((e.params as { additionalProperty: string }).additionalProperty);
    segments.push(extra);
    message = 'unknown key (not allowed here)';
  } else if (e.keyword === 'required') {
    message = `missing required key "${String((e.params as { missingProperty: string }).missingProperty)}"`;
  } else if (e.keyword === 'enum' || e.keyword === 'const') {
    const allowed = (e.params as { allowedValues?: unknown[]; allowedValue?: unknown }).allowedValues ?? [(e.params as { allowedValue?: unknown }).allowedValue];
    message = `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`;
  }
  const path = formatPath(segments);
  return { path, message, ...locate(doc, lc, path) };
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function formatPath(segments: readonly string[]): string {
  let out = '';
  for (const s of segments) out += /^\d+$/.test(s) ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}

function parsePath(path: string): string[] {
  const out: string[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[1] ?? m[2] ?? '');
  return out;
}

/** Line and column of the YAML node at a config path (the deepest existing ancestor). */
function locate(doc: Document, lc: LineCounter, path: string): { line?: number; column?: number } {
  let node: unknown = doc.contents;
  let best: YamlNode | undefined = isNodeWithRange(node) ? node : undefined;
  for (const seg of parsePath(path)) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
      if (pair === undefined) break;
      if (isNodeWithRange(pair.key)) best = pair.key;
      node = pair.value;
    } else if (isSeq(node)) {
      node = node.items[Number(seg)];
    } else break;
    if (isNodeWithRange(node)) best = node;
  }
  if (best?.range == null) return {};
  const pos = lc.linePos(best.range[0]);
  return { line: pos.line, column: pos.col };
}

function isNodeWithRange(n: unknown): n is YamlNode {
  return typeof n === 'object' && n !== null && 'range' in n;
}

function pathOfNode(doc: Document, target: unknown): string {
  const segs: string[] = [];
  const walk = (node: unknown, acc: string[]): boolean => {
    if (node === target) {
      segs.push(...acc);
      return true;
    }
    if (isMap(node)) return node.items.some((p) => walk(p.value, [...acc, isScalar(p.key) ? String(p.key.value) : '?']));
    if (isSeq(node)) return node.items.some((v, i) => walk(v, [...acc, String(i)]));
    return false;
  };
  walk(doc.contents, []);
  return formatPath(segs);
}

export function deepFreeze<T>(value: T): Readonly<T> {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
