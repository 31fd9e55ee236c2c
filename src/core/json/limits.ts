/** Bounds on a JSON document, checked before any value is built (JSON threat protection). */
export interface JsonLimits {
  /** Deepest nesting of objects and arrays (the top-level value is depth 1). */
  readonly maxDepth: number;
  /** Most members in one object. */
  readonly maxKeys: number;
  /** Most elements in one array. */
  readonly maxArrayLength: number;
  /** Longest string (object keys included), in UTF-16 code units after unescaping. */
  readonly maxStringLength: number;
  /** Longest number literal, in characters. Literals that overflow to Infinity (`1e400`) are always refused. */
  readonly maxNumberLength: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = Object.freeze({
  maxDepth: 32,
  maxKeys: 256,
  maxArrayLength: 10_000,
  maxStringLength: 65_536,
  maxNumberLength: 40,
});

/** Why a document was refused. `pointer` is the RFC 6901 pointer of the offending value (or its container). */
export interface JsonIssue {
  readonly rule:
    | 'encoding'
    | 'syntax'
    | 'depth'
    | 'keys'
    | 'array-length'
    | 'string-length'
    | 'number'
    | 'duplicate-key'
    | 'forbidden-key';
  readonly pointer: string;
  readonly message: string;
  /** Character offset in the decoded text. */
  readonly offset: number;
}
