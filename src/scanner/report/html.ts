import { CHECKS } from '../checks/registry.js';
import { SEVERITIES, type Exchange, type Finding, type ScanResult, type Severity } from '../types.js';
import { owaspUri } from './sarif.js';
import { countBySeverity, sortFindings, truncate } from './summary.js';

export function htmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

const COLOUR: Readonly<Record<Severity, string>> = { critical: '#7f1d1d', high: '#dc2626', medium: '#d97706', low: '#2563eb', info: '#6b7280' };

function chart(counts: Record<Severity, number>): string {
  const order = [...SEVERITIES].reverse();
  const max = Math.max(1, ...order.map((s) => counts[s]));
  const bars = order
    .map((s, i) => {
      const w = Math.round((counts[s] / max) * 300);
      const y = i * 28;
      return `<text x="0" y="${y + 17}" font-size="13">${s}</text><rect x="80" y="${y + 4}" width="${w}" height="18" fill="${COLOUR[s]}" rx="3"/><text x="${86 + w}" y="${y + 18}" font-size="13">${counts[s]}</text>`;
    })
    .join('');
  return `<svg role="img" aria-label="Findings by severity" width="440" height="${order.length * 28}" xmlns="http://www.w3.org/2000/svg">${bars}</svg>`;
}

function exchange(ex: Exchange): string {
  const req = `${ex.request.method} ${ex.request.url}\n${Object.entries(ex.request.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}${ex.request.body !== undefined ? `\n\n${truncate(ex.request.body, 1500)}` : ''}`;
  const res = `HTTP ${ex.response.status} (${ex.response.durationMs} ms)\n${Object.entries(ex.response.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${truncate(ex.response.body, 2000)}`;
  return `<div class="ex"><pre>${htmlEscape(req)}</pre><pre>${htmlEscape(res)}</pre></div>`;
}

function finding(f: Finding, i: number): string {
  const def = CHECKS.find((c) => c.id === f.checkId);
  return `<section class="finding" id="f${i}">
<h3><span class="sev" style="background:${COLOUR[f.severity]}">${f.severity}</span> ${htmlEscape(f.title)}</h3>
<p class="meta"><a href="${owaspUri(f.owasp)}">${f.owasp}</a> · CWE-${f.cwe} · check <code>${htmlEscape(f.checkId)}</code>${f.operation !== undefined ? ` · <code>${htmlEscape(f.operation)}</code>` : ''}</p>
<p><strong>What is wrong.</strong> ${htmlEscape(def?.description ?? '')} ${htmlEscape(f.detail)}</p>
<p><strong>How to fix it.</strong> ${htmlEscape(f.remediation)}</p>
${f.evidence.length > 0 ? `<details><summary>Evidence (${f.evidence.length} exchange${f.evidence.length === 1 ? '' : 's'})</summary>${f.evidence.map(exchange).join('')}</details>` : ''}
${f.curl !== '' ? `<p><strong>Reproduce:</strong></p><pre class="curl">${htmlEscape(truncate(f.curl, 3000))}</pre>` : ''}
</section>`;
}

/** A single-file HTML report (no external resources) a non-engineer can read. */
export function renderHtml(r: ScanResult): string {
  const counts = countBySeverity(r.findings);
  const findings = sortFindings(r.findings);
  const verdict =
    findings.filter((f) => f.severity !== 'info').length === 0
      ? 'No vulnerabilities were confirmed.'
      : `${findings.filter((f) => f.severity !== 'info').length} confirmed problem(s), ${counts.critical + counts.high} of them critical or high.`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Rampart scan: ${htmlEscape(r.target)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#111}
h1{font-size:1.6em}.sev{color:#fff;border-radius:4px;padding:1px 8px;font-size:.8em;text-transform:uppercase}
.finding{border:1px solid #ddd;border-radius:6px;padding:.5em 1em;margin:1em 0}.meta{color:#555;font-size:.9em}
pre{background:#f6f6f6;padding:.6em;overflow:auto;white-space:pre-wrap;word-break:break-all;font-size:12px}
.ex{display:grid;grid-template-columns:1fr 1fr;gap:.5em}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}
</style></head><body>
<h1>API security scan</h1>
<p><strong>Target:</strong> ${htmlEscape(r.target)} · <strong>Document:</strong> ${htmlEscape(r.spec)} · <strong>Started:</strong> ${htmlEscape(r.startedAt)} · ${r.requestCount} requests in ${(r.durationMs / 1000).toFixed(1)} s${r.destructive ? ' · destructive checks on' : ''}</p>
<h2>Summary</h2>
<p>${htmlEscape(verdict)} Every finding below was confirmed by the scanner (a second request, a read-back or a comparison); "info" items are signals it could not confirm.</p>
${chart(counts)}
${r.baselineSuppressed !== undefined ? `<p>${r.baselineSuppressed} finding(s) already known from the baseline report are not shown.</p>` : ''}
<h2>Findings</h2>
${findings.length === 0 ? '<p>None.</p>' : findings.map(finding).join('\n')}
<h2>Coverage</h2>
<table><tr><th>Category</th><th>Name</th><th>Status</th><th>Checks / note</th></tr>
${r.coverage.map((c) => `<tr><td>${c.category}</td><td>${htmlEscape(c.name)}</td><td>${c.status}</td><td>${htmlEscape(c.checks.join(', '))}${c.note !== undefined ? htmlEscape(` ${c.note}`) : ''}</td></tr>`).join('\n')}
</table>
${r.checks.some((c) => c.status !== 'ran') ? `<h2>Checks not run</h2><ul>${r.checks.filter((c) => c.status !== 'ran').map((c) => `<li><code>${htmlEscape(c.id)}</code>: ${htmlEscape(c.reason ?? c.status)}</li>`).join('')}</ul>` : ''}
</body></html>
`;
}
