import type { JsonIssue, JsonLimits } from './limits.js';
import { scanJson } from './scan.js';

export type JsonParseResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly issue: JsonIssue };

// RFC 8259 §8.1: JSON exchanged between systems is UTF-8; malformed sequences are refused rather than replaced.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decode UTF-8 bytes strictly (a leading BOM is dropped); undefined when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Parse JSON within `limits`: a linear pre-scan refuses oversized, deep, duplicate-keyed or otherwise hostile
 * documents before `JSON.parse` builds anything. Never throws.
 */
export function parseJsonBounded(input: string | Uint8Array, limits: JsonLimits): JsonParseResult {
  const text = typeof input === 'string' ? input : decodeUtf8(input);
  if (text === undefined) return { ok: false, issue: { rule: 'encoding', pointer: '', message: 'body is not valid UTF-8', offset: 0 } };
  const issue = scanJson(text, limits);
  if (issue !== undefined) return { ok: false, issue };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    // Unreachable when the scanner agrees with the engine's grammar; kept so a disagreement is a 400, not a crash.
    return { ok: false, issue: { rule: 'syntax', pointer: '', message: 'malformed JSON', offset: 0 } };
  }
}
