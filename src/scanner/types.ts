/**
 * The scanner's vocabulary: OWASP API Security Top 10 (2023) categories, severities, findings with evidence,
 * and the scan result every report is a pure function of.
 */

/** OWASP API Security Top 10, 2023 edition. Injection and robustness checks map to API8 (misconfiguration). */
export type OwaspCategory =
  | 'API1:2023'
  | 'API2:2023'
  | 'API3:2023'
  | 'API4:2023'
  | 'API5:2023'
  | 'API6:2023'
  | 'API7:2023'
  | 'API8:2023'
  | 'API9:2023'
  | 'API10:2023';

export const OWASP_CATEGORIES: Readonly<Record<OwaspCategory, string>> = {
  'API1:2023': 'Broken Object Level Authorization',
  'API2:2023': 'Broken Authentication',
  'API3:2023': 'Broken Object Property Level Authorization',
  'API4:2023': 'Unrestricted Resource Consumption',
  'API5:2023': 'Broken Function Level Authorization',
  'API6:2023': 'Unrestricted Access to Sensitive Business Flows',
  'API7:2023': 'Server Side Request Forgery',
  'API8:2023': 'Security Misconfiguration',
  'API9:2023': 'Improper Inventory Management',
  'API10:2023': 'Unsafe Consumption of APIs',
};

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface RecordedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The body as text (capped; see ScanClient). */
  readonly body: string;
  readonly durationMs: number;
}

/** One request and the response to it: the unit of evidence. */
export interface Exchange {
  readonly request: RecordedRequest;
  readonly response: RecordedResponse;
}

/**
 * Where the gateway could block a finding: a route-level section of the Rampart config (see suggest/config.ts).
 * `proposed` marks keys the gateway schema does not have yet: they are written commented out.
 */
export interface ConfigSuggestion {
  /** Route-level config key: `authorization`, `authentication`, `rateLimit`, `validation`, `responseProtection`, `maxBodyBytes`, `match`. */
  readonly key: string;
  readonly value: unknown;
  /** What the reader still has to do by hand (shown as a comment). */
  readonly note?: string;
  readonly proposed?: boolean;
}

/** What a check returns: the engine adds the check's identity, the fingerprint and the curl line. */
export interface FindingDraft {
  readonly title: string;
  /** Defaults to the check's severity; checks lower it to `info` for signals they cannot confirm. */
  readonly severity?: Severity;
  /** `GET /users/{id}`, or undefined for target-wide findings. */
  readonly operation?: string;
  /** Distinguishes several findings of one check on one operation (a parameter name, a path). */
  readonly key?: string;
  readonly detail: string;
  /** The exchanges that prove it; the first one is the one the curl line reproduces. */
  readonly evidence: readonly Exchange[];
  readonly suggestion?: ConfigSuggestion;
}

export interface Finding {
  readonly checkId: string;
  readonly title: string;
  readonly owasp: OwaspCategory;
  readonly cwe: number;
  readonly severity: Severity;
  readonly operation?: string;
  readonly detail: string;
  readonly remediation: string;
  readonly evidence: readonly Exchange[];
  readonly curl: string;
  /** Stable across scans of the same API: check id, operation and key. Baselines compare these. */
  readonly fingerprint: string;
  readonly suggestion?: ConfigSuggestion;
}

export interface CheckOutcome {
  readonly id: string;
  readonly status: 'ran' | 'skipped' | 'failed';
  readonly reason?: string;
  readonly requests: number;
  readonly findings: number;
}

export interface CoverageEntry {
  readonly category: OwaspCategory;
  readonly name: string;
  readonly status: 'covered' | 'partial' | 'not-covered';
  readonly checks: readonly string[];
  readonly note?: string;
}

export interface ScanResult {
  readonly tool: { readonly name: 'rampart-scan'; readonly version: string };
  readonly target: string;
  readonly spec: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly requestCount: number;
  readonly destructive: boolean;
  readonly findings: readonly Finding[];
  readonly checks: readonly CheckOutcome[];
  readonly coverage: readonly CoverageEntry[];
  /** Findings hidden because an earlier report (--baseline) already had them. */
  readonly baselineSuppressed?: number;
}
