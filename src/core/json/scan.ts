import type { JsonIssue, JsonLimits } from './limits.js';

/**
 * Keys refused wherever they appear: merged or assigned naively, they reach Object.prototype
 * (prototype pollution, CWE-1321).
 */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

interface Frame {
  readonly object: boolean;
  /** Members (objects) or elements (arrays) seen so far. */
  count: number;
  /** Keys seen in this object (duplicate detection); undefined for arrays. */
  readonly keys: Set<string> | undefined;
  /** The key of the member being read (objects). */
  key: string;
}

const enum Mode {
  Value,
  ValueOrEnd,
  KeyOrEnd,
  Key,
  AfterValue,
}

/** RFC 6901 pointer of the value being read. Built only when an issue is reported. */
function pointerOf(stack: readonly Frame[]): string {
  let p = '';
  for (const f of stack) {
    const token = f.object ? f.key : String(Math.max(0, f.count - 1));
    p += '/' + token.replace(/~/g, '~0').replace(/\//g, '~1');
  }
  return p;
}

const isWs = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const ESCAPABLE = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);

/** End of a string starting at the quote `start`, and its unescaped length; or an error. */
function scanString(s: string, start: number, max: number): { end: number; escaped: boolean } | { error: string; at: number } {
  let i = start + 1;
  let len = 0;
  let escaped = false;
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 0x22) return { end: i + 1, escaped };
    if (c < 0x20) return { error: 'control character in string', at: i };
    if (c === 0x5c) {
      escaped = true;
      const e = s.charCodeAt(i + 1);
      if (e === 0x75) {
        for (let k = 2; k < 6; k++) if (!isHex(s.charCodeAt(i + k))) return { error: 'bad \\u escape', at: i };
        i += 6;
      } else if (ESCAPABLE.has(e)) i += 2;
      else return { error: 'bad escape', at: i };
    } else i++;
    if (++len > max) return { error: `string longer than ${max}`, at: start };
  }
  return { error: 'unterminated string', at: start };
}

/** End of a number literal at `start` (RFC 8259 §6 grammar), or -1. */
function scanNumber(s: string, start: number): number {
  let i = start;
  if (s.charCodeAt(i) === 0x2d) i++;
  const first = s.charCodeAt(i);
  if (first === 0x30) i++;
  else if (isDigit(first)) while (isDigit(s.charCodeAt(i))) i++;
  else return -1;
  if (s.charCodeAt(i) === 0x2e) {
    i++;
    if (!isDigit(s.charCodeAt(i))) return -1;
    while (isDigit(s.charCodeAt(i))) i++;
  }
  const e = s.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    i++;
    const sign = s.charCodeAt(i);
    if (sign === 0x2b || sign === 0x2d) i++;
    if (!isDigit(s.charCodeAt(i))) return -1;
    while (isDigit(s.charCodeAt(i))) i++;
  }
  return i;
}

/**
 * Check a JSON text against `limits` in one linear pass, without building values: structure, syntax, depth,
 * member and element counts, string and number sizes, duplicate and forbidden keys. Iterative (no recursion),
 * so no input can overflow the stack; it stops at the first issue. Returns undefined when the text is fine,
 * after which `JSON.parse` cannot throw and builds a value within the limits.
 */
export function scanJson(s: string, limits: JsonLimits): JsonIssue | undefined {
  const stack: Frame[] = [];
  const n = s.length;
  let i = 0;
  let mode: Mode = Mode.Value;
  const issue = (rule: JsonIssue['rule'], message: string, offset: number): JsonIssue => ({ rule, message, offset, pointer: pointerOf(stack) });
  for (;;) {
    while (i < n && isWs(s.charCodeAt(i))) i++;
    if (i >= n) {
      if (mode === Mode.AfterValue && stack.length === 0) return undefined;
      return issue('syntax', 'unexpected end of JSON', i);
    }
    const c = s.charCodeAt(i);
    if (mode === Mode.AfterValue) {
      const top = stack[stack.length - 1];
      if (top === undefined) return issue('syntax', 'unexpected data after the JSON value', i);
      if (c === 0x2c) {
        mode = top.object ? Mode.Key : Mode.Value;
        i++;
        if (!top.object) {
          if (++top.count > limits.maxArrayLength) return issue('array-length', `array longer than ${limits.maxArrayLength}`, i);
        }
      } else if (c === (top.object ? 0x7d : 0x5d)) {
        stack.pop();
        i++;
      } else return issue('syntax', 'expected "," or the end of the ' + (top.object ? 'object' : 'array'), i);
      continue;
    }
    if (mode === Mode.KeyOrEnd || mode === Mode.Key) {
      const top = stack[stack.length - 1];
      if (top === undefined) return issue('syntax', 'internal state', i);
      if (c === 0x7d && mode === Mode.KeyOrEnd) {
        stack.pop();
        i++;
        mode = Mode.AfterValue;
        continue;
      }
      if (c !== 0x22) return issue('syntax', 'expected a member name', i);
      const r = scanString(s, i, limits.maxStringLength);
      if ('error' in r) return issue(r.error.startsWith('string longer') ? 'string-length' : 'syntax', r.error, r.at);
      const raw = s.slice(i + 1, r.end - 1);
      const key = r.escaped ? (JSON.parse(s.slice(i, r.end)) as string) : raw;
      top.key = key;
      if (++top.count > limits.maxKeys) return issue('keys', `object with more than ${limits.maxKeys} members`, i);
      if (FORBIDDEN_KEYS.has(key)) return issue('forbidden-key', 'member name not allowed', i);
      const keys = top.keys;
      if (keys !== undefined) {
        if (keys.has(key)) return issue('duplicate-key', 'duplicate member name', i);
        keys.add(key);
      }
      i = r.end;
      while (i < n && isWs(s.charCodeAt(i))) i++;
      if (s.charCodeAt(i) !== 0x3a) return issue('syntax', 'expected ":"', i);
      i++;
      mode = Mode.Value;
      continue;
    }
    // Mode.Value or Mode.ValueOrEnd
    if (c === 0x5d && mode === Mode.ValueOrEnd) {
      stack.pop();
      i++;
      mode = Mode.AfterValue;
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      if (stack.length >= limits.maxDepth) return issue('depth', `nested deeper than ${limits.maxDepth}`, i);
      const object = c === 0x7b;
      stack.push({ object, count: object ? 0 : 1, keys: object ? new Set() : undefined, key: '' });
      mode = object ? Mode.KeyOrEnd : Mode.ValueOrEnd;
      i++;
      continue;
    }
    if (c === 0x22) {
      const r = scanString(s, i, limits.maxStringLength);
      if ('error' in r) return issue(r.error.startsWith('string longer') ? 'string-length' : 'syntax', r.error, r.at);
      i = r.end;
    } else if (c === 0x2d || isDigit(c)) {
      const end = scanNumber(s, i);
      if (end < 0) return issue('syntax', 'malformed number', i);
      if (end - i > limits.maxNumberLength) return issue('number', `number literal longer than ${limits.maxNumberLength} characters`, i);
      // Only literals with an exponent or many digits can overflow a double (1e400 -> Infinity).
      if (end - i > 15 || s.slice(i, end).search(/[eE]/) >= 0) {
        if (!Number.isFinite(Number(s.slice(i, end)))) return issue('number', 'number out of range', i);
      }
      i = end;
    } else if (s.startsWith('true', i)) i += 4;
    else if (s.startsWith('false', i)) i += 5;
    else if (s.startsWith('null', i)) i += 4;
    else return issue('syntax', 'unexpected character', i);
    mode = Mode.AfterValue;
  }
}
