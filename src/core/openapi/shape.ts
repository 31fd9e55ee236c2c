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
}

const anyShape = (): Shape => ({ properties: undefined, additional: true, items: undefined, writeOnly: false, readOnly: false, sensitive: false, sanitise: undefined });

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
      for (const branch of list) {
        const b = build(branch);
        merge(b);
        // A branch open to anything keeps the whole open.
        if (b.properties === undefined && b.additional === true && isObjectLike(branch)) additional = true;
        else if (b.additional !== false && additional === false) additional = b.additional;
      }
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
