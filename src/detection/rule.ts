import type { Category, InspectRequest, Paranoia } from './types.js';
import type { Extracted } from './extract/request.js';
import type { View } from './normalize/views.js';

/** A rule: one kind of evidence a detector can report. Declared once, in the detector's table. */
export interface Rule {
  readonly id: string;
  readonly category: Category;
  /** The lowest paranoia level at which the rule runs. */
  readonly pl: Paranoia;
  readonly score: number;
  readonly reason: string;
}

/** What the input item is (detectors treat keys and file names differently from values). */
export type ItemKind = 'path' | 'query' | 'key' | 'header' | 'cookie' | 'body' | 'filename' | 'xml';

export interface Item {
  readonly location: string;
  readonly value: string;
  readonly kind: ItemKind;
  /** Header name (lower case) for header items. */
  readonly header?: string;
  /** A body (or multipart part) whose media type is binary (image/png, application/octet-stream...). */
  readonly binary?: boolean;
}

export interface Emitter {
  readonly paranoia: Paranoia;
  /** Report evidence; `fragment` is the matched excerpt of the view (capped by the engine). */
  emit(rule: Rule, fragment: string): void;
}

/** A detector over one input value (all its views). */
export interface ValueDetector {
  readonly name: string;
  readonly rules: readonly Rule[];
  /** Run only when the view's character mask shares a bit with this (0: always). */
  readonly trigger: number;
  /** Also run over whole XML documents (XXE); other detectors see only their leaves. */
  readonly documents?: boolean;
  inspect(view: View, item: Item, out: Emitter): void;
}

/** A detector over the request as a whole (method, protocol headers, body framing). */
export interface RequestDetector {
  readonly name: string;
  readonly rules: readonly Rule[];
  inspect(request: InspectRequest, extracted: Extracted, out: Emitter, setLocation: (location: string) => void): void;
}

export function rule(category: Category, id: string, pl: Paranoia, score: number, reason: string): Rule {
  return { id, category, pl, score, reason };
}

/** The name a location ends with, as written: `query:filter` and `body:/search/filter` end with `filter`. */
export function locationName(location: string): string {
  return location.slice(Math.max(location.lastIndexOf('/'), location.lastIndexOf(':')) + 1);
}

/** An excerpt of `s` around [start, end), bounded to `max` characters. */
export function excerpt(s: string, start: number, end = start + 40, max = 80): string {
  const a = Math.max(0, start);
  const b = Math.min(s.length, Math.max(end, a + 1), a + max);
  return s.slice(a, b);
}
