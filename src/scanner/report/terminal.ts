import type { ScanResult, Severity } from '../types.js';
import { countBySeverity, sortFindings } from './summary.js';

const COLOURS: Readonly<Record<Severity, string>> = { critical: '\x1b[1;31m', high: '\x1b[31m', medium: '\x1b[33m', low: '\x1b[36m', info: '\x1b[2m' };

function pad(s: string, n: number): string {
  return s.length >= n ? `${s.slice(0, n - 1)}…` : s + ' '.repeat(n - s.length);
}

/** The terminal report: a findings table, coverage, skipped checks, and the request count and duration. */
export function renderTerminal(r: ScanResult, opts: { colour?: boolean } = {}): string {
  const c = (sev: Severity, s: string) => (opts.colour === true ? `${COLOURS[sev]}${s}\x1b[0m` : s);
  const lines: string[] = [];
  lines.push(`Rampart scan of ${r.target} (${r.spec})${r.destructive ? ' [destructive]' : ''}`);
  lines.push('');
  const findings = sortFindings(r.findings);
  if (findings.length === 0) lines.push('No findings.');
  else {
    lines.push(`${pad('SEVERITY', 9)} ${pad('OWASP', 11)} ${pad('CHECK', 22)} ${pad('OPERATION', 28)} FINDING`);
    for (const f of findings) lines.push(`${c(f.severity, pad(f.severity.toUpperCase(), 9))} ${pad(f.owasp, 11)} ${pad(f.checkId, 22)} ${pad(f.operation ?? '-', 28)} ${f.title}`);
  }
  lines.push('');
  const counts = countBySeverity(r.findings);
  lines.push(`Findings: ${r.findings.length} (${(['critical', 'high', 'medium', 'low', 'info'] as const).map((s) => `${counts[s]} ${s}`).join(', ')})${r.baselineSuppressed !== undefined ? `; ${r.baselineSuppressed} already in the baseline, not shown` : ''}`);
  lines.push('');
  lines.push('Coverage (OWASP API Security Top 10 2023):');
  for (const cov of r.coverage) lines.push(`  ${pad(cov.category, 11)} ${pad(cov.name, 48)} ${cov.status}${cov.note !== undefined ? ` (${cov.note})` : ''}`);
  const skipped = r.checks.filter((x) => x.status !== 'ran');
  if (skipped.length > 0) {
    lines.push('');
    lines.push('Checks not run:');
    for (const s of skipped) lines.push(`  ${pad(s.id, 22)} ${s.status}: ${s.reason ?? ''}`);
  }
  lines.push('');
  lines.push(`${r.requestCount} requests in ${(r.durationMs / 1000).toFixed(1)} s.`);
  return `${lines.join('\n')}\n`;
}
