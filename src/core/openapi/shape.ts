import { isRecord, type RawSchema } from './operations.js';

/**
 * The declared shape of a schema: which properties exist and which are flagged. It answers "is this property
 * documented?" and "is it sensitive?" without running the validator, for stripping undeclared properties
 * (mass assignment, excessive data exposure) and redacting writeOnly / `x-rampart-sensitive` ones.
 * Composition is read as a union: a property declared by any `allOf`/`anyOf`/`oneOf` branch is declared.
 */
export interface Shape {
  /** Declared properties; undefined: the schema declares none (a free-form object, or not an object). */
  properties: Map<string, Shape> | undefined;
  /** Shape of undeclared properties when allowed (`additionalProperties: {schema}`); true: any; false: none. */
  additional: Shape | boolean;
  items: Shape | undefined;
  /** writeOnly (never in responses). */
  writeOnly: boolean;
  /** readOnly (never in requests). */
  readOnly: boolean;
  /** `x-rampart-sensitive: true`: never in responses. */
  sensitive: boolean;
  /** The field's own `x-rampart-sanitise` options, as written (the gateway interprets them). */
  sanitise: Readonly<Record<string, unknown>> | undefined;
  /**
   * A value that validated against this schema cannot carry an injection: an enum or const, a number or boolean,
   * a string of a strict format (uuid, date, date-time...) or matching an anchored pattern of inert characters.
   * Attack detection skips such values once validation has passed them.
   */
  inert: boolean;
}

const anyShape = (): Shape => ({ properties: undefined, additional: true, items: undefined, writeOnly: false, readOnly: false, sensitive: false, sanitise: undefined, inert: false });

/** String formats whose validators (ajv-formats) admit only digits, hex, fixed letters and separators. */
const INERT_FORMATS: ReadonlySet<string> = new Set(['uuid', 'date', 'date-time', 'time', 'duration', 'ipv4', 'ipv6', 'int32', 'int64', 'float', 'double']);
const SCALAR_TYPES: ReadonlySet<unknown> = new Set(['integer', 'number', 'boolean', 'null']);

/** The schema's own keywords make any valid value inert (see Shape.inert). */
function inertByKeywords(s: Readonly<Record<string, unknown>>): boolean {
  if (Array.isArray(s.enum) && s.enum.length > 0) return true;
  if ('const' in s) return true;
  const t = s.type;
  if (SCALAR_TYPES.has(t) || (Array.isArray(t) && t.length > 0 && t.every((x) => SCALAR_TYPES.has(x)))) return true;
  if (t !== undefined && t !== 'string') return false;
  if (typeof s.format === 'string' && INERT_FORMATS.has(s.format)) return true;
  return typeof s.pattern === 'string' && patternIsInert(s.pattern);
}

/**
 * Whether every string matching `pattern` is made of inert characters: the pattern is anchored at both ends and
 * admits only letters, digits, '_', '-' and '.' (identifiers, codes, slugs), or, without letters, digits and
 * ' ()+-.:,/' (phone numbers, amounts, times). Anything it cannot read (`.`, negated classes, \S, \W, \p,
 * lookarounds, back-references) makes it not inert.
 */
export function patternIsInert(pattern: string): boolean {
  if (!pattern.startsWith('^') || !pattern.endsWith('$') || pattern.endsWith('\\$')) return false;
  const allowed = new Set<number>();
  const addRange = (a: number, b: number) => {
    if (b - a > 128) return false;
    for (let c = a; c <= b; c++) allowed.add(c);
    return true;
  };
  const addClassEscape = (e: string): boolean => {
    if (e === 'd') return addRange(48, 57);
    if (e === 'w') return addRange(48, 57) && addRange(65, 90) && addRange(97, 122) && addRange(95, 95);
    return false; // \s admits line breaks
  };
  const body = pattern.slice(1, -1);
  let inClass = false;
  let classStart = false;
  let depth = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] ?? '';
    if (ch === '\\') {
      const e = body[i + 1] ?? '';
      i++;
      if (e === 'd' || e === 'w' || e === 's') {
        if (!addClassEscape(e)) return false;
      } else if (/^[.\-+()/:,_]$/.test(e) || (inClass && e === ' ')) allowed.add(e.charCodeAt(0));
      else if (!inClass && /^[{}?*[\]]$/.test(e)) allowed.add(e.charCodeAt(0));
      else return false;
      classStart = false;
      continue;
    }
    if (inClass) {
      if (classStart && ch === '^') return false;
      classStart = false;
      if (ch === ']') {
        inClass = false;
        continue;
      }
      const next = body[i + 1];
      const to = body[i + 2];
      if (next === '-' && to !== undefined && to !== ']' && to !== '\\') {
        if (!addRange(ch.charCodeAt(0), to.charCodeAt(0))) return false;
        i += 2;
      } else allowed.add(ch.charCodeAt(0));
      continue;
    }
    if (ch === '[') {
      inClass = true;
      classStart = true;
    } else if (ch === '(') {
      depth++;
      if (body[i + 1] === '?') {
        if (body[i + 2] !== ':') return false;
        i += 2;
      }
    } else if (ch === '{') {
      const close = body.indexOf('}', i);
      if (close === -1 || !/^\{\d{1,4}(,\d{0,4})?\}$/.test(body.slice(i, close + 1))) return false;
      i = close;
    } else if (ch === ')') {
      depth--;
    } else if (ch === '|') {
      // ^a|b$ is (^a)|(b$): a top-level alternative is not anchored at both ends
      if (depth === 0) return false;
    } else if (ch === '?' || ch === '*' || ch === '+') {
      // quantifiers
    } else if (ch === '.' || ch === '^' || ch === '$') return false;
    else allowed.add(ch.charCodeAt(0));
  }
  if (inClass) return false;
  let letters = false;
  for (const c of allowed) if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) letters = true;
  const ok = letters ? '_-.' : ' ()+-.:,/';
  for (const c of allowed) {
    const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (!alnum && !ok.includes(String.fromCharCode(c))) return false;
  }
  return true;
}

function resolveRef(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let cur = doc;
  for (const t of ref.slice(2).split('/')) cur = isRecord(cur) ? cur[t.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return cur;
}

/** Build the shape of `raw` once (at start-up). `document` resolves the `$ref`s left on cycles. */
export function shapeOf(raw: RawSchema | undefined, document: Readonly<Record<string, unknown>>): Shape {
  const memo = new WeakMap<object, Shape>();
  const build = (s: unknown): Shape => {
    if (!isRecord(s)) return anyShape();
    const cached = memo.get(s);
    if (cached !== undefined) return cached;
    const shape = anyShape();
    memo.set(s, shape);
    if (typeof s.$ref === 'string') {
      Object.assign(shape, build(resolveRef(document, s.$ref)));
      return shape;
    }
    shape.writeOnly = s.writeOnly === true;
    shape.readOnly = s.readOnly === true;
    shape.sensitive = s['x-rampart-sensitive'] === true;
    shape.inert = inertByKeywords(s);
    const sanitise = s['x-rampart-sanitise'];
    if (isRecord(sanitise)) shape.sanitise = sanitise;
    let declaresProps = false;
    let additional: Shape | boolean = true;
    const props = new Map<string, Shape>();
    const merge = (src: Shape) => {
      if (src.properties !== undefined) {
        declaresProps = true;
        for (const [k, v] of src.properties) props.set(k, props.has(k) ? unite(props.get(k) ?? v, v) : v);
      }
      if (src.items !== undefined) shape.items = shape.items === undefined ? src.items : unite(shape.items, src.items);
    };
    if (isRecord(s.properties)) {
      declaresProps = true;
      for (const [k, v] of Object.entries(s.properties)) props.set(k, build(v));
      additional = s.additionalProperties === undefined || s.additionalProperties === false ? false : s.additionalProperties === true ? true : build(s.additionalProperties);
    } else if (isRecord(s.additionalProperties)) {
      declaresProps = true;
      additional = build(s.additionalProperties);
    } else if (s.additionalProperties === false) {
      declaresProps = true;
      additional = false;
    }
    if (s.items !== undefined) shape.items = build(s.items);
    for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = s[k];
      if (!Array.isArray(list)) continue;
      // Every branch of allOf applies (one inert branch is enough); anyOf/oneOf need every branch inert.
      let anyInert = false;
      let allInert = list.length > 0;
      for (const branch of list) {
        const b = build(branch);
        anyInert ||= b.inert;
        allInert &&= b.inert;
        merge(b);
        // A branch open to anything keeps the whole open.
        if (b.properties === undefined && b.additional === true && isObjectLike(branch)) additional = true;
        else if (b.additional !== false && additional === false) additional = b.additional;
      }
      shape.inert ||= k === 'allOf' ? anyInert : allInert;
    }
    if (declaresProps) {
      shape.properties = props;
      shape.additional = additional;
    }
    return shape;
  };
  return build(raw);
}

/** A branch that may describe an object and declares nothing about its properties. */
function isObjectLike(s: unknown): boolean {
  return isRecord(s) && (s.type === undefined || s.type === 'object') && s.$ref === undefined && s.allOf === undefined && s.anyOf === undefined && s.oneOf === undefined;
}

function unite(a: Shape, b: Shape): Shape {
  if (a === b) return a;
  const props = a.properties === undefined || b.properties === undefined ? undefined : new Map([...a.properties, ...b.properties]);
  return {
    properties: props,
    additional: props === undefined ? true : a.additional === true || b.additional === true ? true : a.additional === false ? b.additional : a.additional,
    items: a.items ?? b.items,
    writeOnly: a.writeOnly || b.writeOnly,
    readOnly: a.readOnly || b.readOnly,
    sensitive: a.sensitive || b.sensitive,
    sanitise: a.sanitise ?? b.sanitise,
    inert: a.inert && b.inert,
  };
}

export interface ShapeVisit {
  /** Properties present but not declared (RFC 6901 pointers). */
  readonly undeclared: string[];
  /** Properties present and flagged (writeOnly / sensitive in responses, readOnly in requests). */
  readonly flagged: string[];
}

const escapeToken = (k: string): string => k.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Walk a parsed JSON value against its shape (linear in the value). With `remove`, undeclared and/or flagged
 * properties are deleted in place (the value must be the caller's own copy). Returns what was found.
 */
export function visitShape(
  value: unknown,
  shape: Shape,
  options: {
    /** What counts as flagged: readOnly (requests), writeOnly, or writeOnly and x-rampart-sensitive (responses). */
    readonly flag: 'readOnly' | 'writeOnly' | 'writeOnlyOrSensitive';
    readonly removeUndeclared: boolean;
    readonly removeFlagged: boolean;
  },
): ShapeVisit {
  const out: ShapeVisit = { undeclared: [], flagged: [] };
  const isFlagged =
    options.flag === 'readOnly' ? (s: Shape) => s.readOnly : options.flag === 'writeOnly' ? (s: Shape) => s.writeOnly : (s: Shape) => s.writeOnly || s.sensitive;
  // The path is kept as tokens and joined only when something is reported: the common case reports nothing.
  const path: string[] = [];
  const pointer = (k: string) => (path.length === 0 ? '' : '/' + path.map(escapeToken).join('/')) + '/' + escapeToken(k);
  const walk = (v: unknown, s: Shape): void => {
    if (Array.isArray(v)) {
      const items = s.items;
      if (items === undefined) return;
      for (let i = 0; i < v.length; i++) {
        path.push(String(i));
        walk(v[i], items);
        path.pop();
      }
      return;
    }
    const props = s.properties;
    if (props === undefined || !isRecord(v)) return;
    for (const k in v) {
      const declared = props.get(k);
      const sub = declared ?? (typeof s.additional === 'object' ? s.additional : undefined);
      if (sub === undefined) {
        if (s.additional !== false) continue;
        out.undeclared.push(pointer(k));
        if (options.removeUndeclared) delete v[k];
        continue;
      }
      if (isFlagged(sub)) {
        out.flagged.push(pointer(k));
        if (options.removeFlagged) delete v[k];
        continue;
      }
      if (typeof v[k] !== 'object' || v[k] === null) continue;
      path.push(k);
      walk(v[k], sub);
      path.pop();
    }
  };
  walk(value, shape);
  return out;
}
