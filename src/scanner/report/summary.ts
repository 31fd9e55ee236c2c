import { SEVERITIES, severityRank, type Finding, type Severity } from '../types.js';

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const out = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) out[f.severity]++;
  return out;
}

/** Most severe first, then by check and operation: a stable order for every report. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.checkId.localeCompare(b.checkId) || (a.operation ?? '').localeCompare(b.operation ?? ''));
}

export function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n)}… (${s.length - n} more characters)`;
}
