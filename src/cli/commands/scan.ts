import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAuthFile, AuthFileError } from '../../scanner/auth/identities.js';
import { applyBaseline, BaselineError, loadBaseline } from '../../scanner/baseline.js';
import { CHECKS } from '../../scanner/checks/registry.js';
import { runScan, ScanSetupError } from '../../scanner/engine/scan.js';
import { FORMATS, renderReport, type ReportFormat } from '../../scanner/report/index.js';
import { pathLines } from '../../scanner/report/sarif.js';
import { suggestConfig } from '../../scanner/suggest/config.js';
import { SEVERITIES, severityRank, type Severity } from '../../scanner/types.js';
import { OpenApiLoadError } from '../../core/openapi/load.js';

export const SCAN_SUMMARY = 'probe a running API for the OWASP API Top 10 and report confirmed findings';

export const SCAN_USAGE = `Usage: rampart scan --spec FILE|URL --target URL [options]

Reads the OpenAPI document, probes the target like an attacker would, and reports every flaw it could confirm,
with the requests and responses that prove it.

Options:
  --spec FILE|URL          OpenAPI 3.0/3.1 or Swagger 2.0 document (required)
  --target URL             base URL of the running API (required); nothing else is ever contacted
  --auth FILE              identities (YAML/JSON): user A, user B, an admin, each with headers or a login
  --checks LIST            comma-separated check ids or categories (API1 … API10); default: all (--list-checks)
  --format FORMAT          terminal (default), json, sarif, junit, html
  --output FILE            write the report there instead of standard output
  --fail-on SEVERITY       exit 1 when a finding is at least this severe: info, low (default), medium, high, critical
  --rate N                 requests per second (default 50)
  --max-requests N         request budget (default 3000)
  --max-time SECONDS       time budget (default 300)
  --destructive            also run checks that create, change or delete data
  --baseline FILE          an earlier JSON report: show only findings that are new since
  --suggest-config FILE    write the Rampart gateway YAML that blocks the findings
  --list-checks            list the checks and exit
  --no-progress            no progress bar on standard error

Exit codes:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on
  2  usage error, unreadable document or auth file, or a target that does not answer
`;

const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

export interface ScanIo {
  readonly stdout: { write(s: string): unknown; isTTY?: boolean };
  readonly stderr: { write(s: string): unknown; isTTY?: boolean };
}

function positiveInt(name: string, v: string | undefined, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${name} must be a positive integer, not "${v}"`);
  return n;
}

class UsageError extends Error {}

function listChecks(): string {
  return `${CHECKS.map((c) => `${c.id.padEnd(24)} ${c.owasp.padEnd(11)} CWE-${String(c.cwe).padEnd(5)} ${c.severity.padEnd(9)} ${c.title}${c.needs?.destructive === true ? ' (--destructive)' : ''}`).join('\n')}\n`;
}

function progressBar(io: ScanIo, enabled: boolean) {
  if (!enabled) return undefined;
  return (p: { done: number; total: number; check: string; requests: number }) => {
    const width = 24;
    const filled = Math.round((p.done / Math.max(1, p.total)) * width);
    io.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} checks · ${p.requests} requests · ${p.check.padEnd(24)}`);
    if (p.done === p.total) io.stderr.write('\n');
  };
}

/** Lines of the document's paths, for SARIF locations (a URL or unreadable file simply gives none). */
async function specLines(spec: string): Promise<Record<string, number>> {
  if (/^https?:\/\//i.test(spec)) return {};
  try {
    return pathLines(await readFile(spec, 'utf8'));
  } catch {
    return {};
  }
}

/** `rampart scan`: see SCAN_USAGE. Returns the exit code. */
export async function scanCommand(argv: string[], io: ScanIo = process): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      options: {
        spec: { type: 'string' },
        target: { type: 'string' },
        auth: { type: 'string' },
        checks: { type: 'string' },
        format: { type: 'string', default: 'terminal' },
        output: { type: 'string', short: 'o' },
        'fail-on': { type: 'string', default: 'low' },
        rate: { type: 'string' },
        'max-requests': { type: 'string' },
        'max-time': { type: 'string' },
        destructive: { type: 'boolean', default: false },
        baseline: { type: 'string' },
        'suggest-config': { type: 'string' },
        'list-checks': { type: 'boolean', default: false },
        'no-progress': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (err) {
    io.stderr.write(`rampart scan: ${(err as Error).message}\n\n${SCAN_USAGE}`);
    return EXIT.usage;
  }
  if (values.help) {
    io.stdout.write(SCAN_USAGE);
    return EXIT.ok;
  }
  if (values['list-checks']) {
    io.stdout.write(listChecks());
    return EXIT.ok;
  }
  try {
    if (values.spec === undefined || values.target === undefined) throw new UsageError('--spec and --target are required');
    const format = values.format as string;
    if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
    const failOn = values['fail-on'] as string;
    if (!(SEVERITIES as readonly string[]).includes(failOn)) throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}`);
    const checks = values.checks?.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const auth = values.auth !== undefined ? await loadAuthFile(values.auth) : undefined;
    const baseline = values.baseline !== undefined ? await loadBaseline(values.baseline) : undefined;
    const showProgress = !values['no-progress'] && io.stderr.isTTY === true;
    let result = await runScan({
      // Absolute, so reports can make it relative to the repository (SARIF) whatever the working directory.
      spec: /^https?:\/\//i.test(values.spec) ? values.spec : resolve(values.spec),
      target: values.target,
      auth,
      checks,
      rate: positiveInt('--rate', values.rate, 50),
      maxRequests: positiveInt('--max-requests', values['max-requests'], 3000),
      maxDurationMs: positiveInt('--max-time', values['max-time'], 300) * 1000,
      destructive: values.destructive,
      onProgress: progressBar(io, showProgress),
    });
    if (baseline !== undefined) result = applyBaseline(result, baseline);
    const sarif = format === 'sarif' ? { root: process.cwd(), lines: await specLines(values.spec) } : undefined;
    const report = renderReport(format as ReportFormat, result, { colour: format === 'terminal' && values.output === undefined && io.stdout.isTTY === true, sarif });
    if (values.output !== undefined) await writeFile(values.output, report);
    else io.stdout.write(report);
    if (values['suggest-config'] !== undefined) await writeFile(values['suggest-config'], suggestConfig(result));
    if (format !== 'terminal' || values.output !== undefined) {
      io.stderr.write(`rampart scan: ${result.findings.length} finding(s); ${result.requestCount} requests in ${(result.durationMs / 1000).toFixed(1)} s\n`);
    }
    const threshold = severityRank(failOn as Severity);
    return result.findings.some((f) => severityRank(f.severity) >= threshold) ? EXIT.findings : EXIT.ok;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`rampart scan: ${err.message}\n\n${SCAN_USAGE}`);
      return EXIT.usage;
    }
    if (err instanceof ScanSetupError || err instanceof AuthFileError || err instanceof BaselineError || err instanceof OpenApiLoadError) {
      io.stderr.write(`rampart scan: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}
