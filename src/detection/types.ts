/** The attack categories the engine reports (stable strings: they appear in problems, logs and metrics). */
export const CATEGORIES = [
  'sqli',
  'xss',
  'cmdi',
  'traversal',
  'ssrf',
  'rfi',
  'nosqli',
  'ldapi',
  'xpathi',
  'xxe',
  'ssti',
  'jndi',
  'crlf',
  'mail',
  'ssi',
  'prototype-pollution',
  'java',
  'php',
  'js-injection',
  'deserialization',
  'csv-injection',
  'protocol',
  'scanner',
  'session-fixation',
] as const;
export type Category = (typeof CATEGORIES)[number];

export type Paranoia = 1 | 2 | 3 | 4;

/** A request as the engine sees it: the raw (undecoded) target parts, headers and optional body. */
export interface InspectRequest {
  readonly method: string;
  /** The path, as sent (percent-encoded). */
  readonly path: string;
  /** The raw query string without '?', or '' when none. */
  readonly query: string;
  /** Header names in any case; a value may be a list for a repeated header. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body?: string | Uint8Array;
  /** Overrides the Content-Type header for the body. */
  readonly contentType?: string;
  /** The HTTP version of the request line ('1.1', '1.0', '2.0'), when known. */
  readonly httpVersion?: string;
  /**
   * The body already parsed as JSON by the caller (a gateway that validated it), used instead of parsing `body`
   * again, with what an API description says of its members.
   */
  readonly json?: { readonly value: unknown; readonly hint?: JsonHint };
  /**
   * Query parameters (decoded names) whose values the caller validated against a schema that leaves nothing to
   * inspect (integers, enums, uuids...): neither their names nor their values are inspected.
   */
  readonly inertQuery?: ReadonlySet<string>;
}

/**
 * What an API description (an OpenAPI schema) says about a JSON value that validated against it. Members whose
 * schema leaves nothing to inspect are skipped; declared member names are the API's own vocabulary and are not
 * inspected either. Free-text members get every detector.
 */
export interface JsonHint {
  /** A valid value cannot carry an injection: enum, const, number, boolean, strict format, inert pattern. */
  readonly inert: boolean;
  /** Declared members, when the schema declares any. */
  readonly properties: ReadonlyMap<string, JsonHint> | undefined;
  /** Undeclared members: their schema, true (anything), false (none). */
  readonly additional: JsonHint | boolean;
  readonly items: JsonHint | undefined;
}

/** One piece of evidence. `fragment` is the decoded excerpt that matched: log it, never send it to clients. */
export interface Finding {
  readonly detector: string;
  readonly ruleId: string;
  readonly category: Category;
  readonly score: number;
  /** Where: `path`, `query:name`, `query-key:name`, `header:user-agent`, `cookie:sid`, `body:/a/0/b`, `body`... */
  readonly location: string;
  readonly fragment: string;
  readonly reason: string;
}

export interface InspectResult {
  /** The anomaly score: the sum of the findings' scores. */
  readonly score: number;
  readonly blocked: boolean;
  readonly findings: readonly Finding[];
  /** True when inputs beyond the inspected-bytes cap were left out. */
  readonly truncated: boolean;
  /** Bytes of input inspected. */
  readonly inspectedBytes: number;
}

export interface Exclusion {
  /** Location to exclude, e.g. `body:/comment`, `query:q`, `header:referer`; a trailing `*` matches any rest. */
  readonly location?: string;
  /** Detector name or rule id to exclude (all detectors when absent). */
  readonly detector?: string;
}

export interface InspectOptions {
  /** Rules above this paranoia level do not run. Default 2. */
  readonly paranoia?: Paranoia;
  /** Anomaly threshold: blocked when score >= threshold. Default 5. */
  readonly threshold?: number;
  readonly exclusions?: readonly Exclusion[];
  /** Most input bytes inspected per request (default 65536). */
  readonly maxInspectBytes?: number;
}
