import type { Finding, ScanResult } from './types.js';

export interface Comparison {
  /** Found directly, gone behind the gateway: what the gateway blocks. */
  readonly blocked: readonly Finding[];
  /** Found both ways: what still gets through. */
  readonly remaining: readonly Finding[];
  /** Found only behind the gateway (a gateway-introduced problem). */
  readonly introduced: readonly Finding[];
}

/** Compare a scan of the API itself with a scan of it through Rampart, by finding fingerprint. */
export function compareScans(direct: ScanResult, gated: ScanResult): Comparison {
  const behind = new Set(gated.findings.map((f) => f.fingerprint));
  const before = new Set(direct.findings.map((f) => f.fingerprint));
  return {
    blocked: direct.findings.filter((f) => !behind.has(f.fingerprint)),
    remaining: direct.findings.filter((f) => behind.has(f.fingerprint)),
    introduced: gated.findings.filter((f) => !before.has(f.fingerprint)),
  };
}
