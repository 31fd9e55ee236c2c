import type { CheckDefinition } from '../check.js';
import { CHECKS } from '../checks/registry.js';
import { OWASP_CATEGORIES, type OwaspCategory, type ScanResult, type Severity } from '../types.js';
import { truncate } from './summary.js';

const LEVEL: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
/** GitHub code scanning orders alerts by `security-severity` (0-10). */
const SCORE: Readonly<Record<Severity, string>> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

/** The OWASP page of a category: 0xa1-broken-object-level-authorization … 0xaa-unsafe-consumption-of-apis. */
export function owaspUri(c: OwaspCategory): string {
  const n = Number(c.slice(3, c.indexOf(':')));
  const slug = OWASP_CATEGORIES[c].toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return `https://owasp.org/API-Security/editions/2023/en/0xa${n === 10 ? 'a' : n}-${slug}/`;
}

function rule(def: CheckDefinition) {
  return {
    id: def.id,
    name: def.title.replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ?? '').toUpperCase()),
    shortDescription: { text: def.title },
    fullDescription: { text: def.description },
    help: { text: def.remediation, markdown: `**Fix:** ${def.remediation}` },
    helpUri: owaspUri(def.owasp),
    defaultConfiguration: { level: LEVEL[def.severity] },
    properties: { tags: ['security', `OWASP-${def.owasp}`, `CWE-${def.cwe}`], 'security-severity': SCORE[def.severity], precision: 'high' },
  };
}

/**
 * SARIF 2.1.0, as GitHub code scanning accepts it: one rule per check (with CWE and OWASP tags), one result per
 * finding located at the OpenAPI document (the artifact a pull request can change) with the operation as logical
 * location, and the fingerprint GitHub uses to track an alert across runs.
 */
export interface SarifOptions {
  /** Repository root: the document's path is made relative to it (code scanning wants repository paths). */
  readonly root?: string;
  /** Line of each documented path in the document (`/users/{id}` → 42), so alerts point at the operation. */
  readonly lines?: Readonly<Record<string, number>>;
}

/** Where each path template is declared in an OpenAPI document's text (YAML or JSON), by line. */
export function pathLines(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  text.split('\n').forEach((line, i) => {
    const m = /^\s*["']?(\/[^"':\s]*)["']?\s*:\s*(\{\s*)?$/.exec(line);
    if (m?.[1] !== undefined && !(m[1] in out)) out[m[1]] = i + 1;
  });
  return out;
}

export function renderSarif(r: ScanResult, opts: SarifOptions = {}): string {
  const used = CHECKS.filter((c) => r.checks.some((o) => o.id === c.id));
  const index = new Map(used.map((c, i) => [c.id, i]));
  const root = opts.root !== undefined ? `${opts.root.replace(/\/+$/, '')}/` : undefined;
  const local = /^https?:\/\//.test(r.spec) || r.spec === 'inline document' ? 'openapi.yaml' : r.spec;
  const artifact = (root !== undefined && local.startsWith(root) ? local.slice(root.length) : local).replace(/^\.\//, '');
  const lineOf = (op: string | undefined) => {
    const path = op?.split(' ')[1];
    return (path !== undefined ? opts.lines?.[path] : undefined) ?? 1;
  };
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'rampart-scan', semanticVersion: r.tool.version, informationUri: 'https://github.com/rampart/rampart', rules: used.map(rule) } },
        invocations: [{ executionSuccessful: true, startTimeUtc: r.startedAt, properties: { target: r.target, requests: r.requestCount, durationMs: r.durationMs } }],
        results: r.findings.map((f) => ({
          ruleId: f.checkId,
          ruleIndex: index.get(f.checkId) ?? 0,
          level: LEVEL[f.severity],
          message: { text: `${f.title}. ${f.detail} Reproduce: ${truncate(f.curl, 1500)}` },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: artifact }, region: { startLine: lineOf(f.operation) } },
              logicalLocations: f.operation !== undefined ? [{ name: f.operation, kind: 'function' }] : [],
            },
          ],
          partialFingerprints: { rampartFinding: f.fingerprint },
          properties: { severity: f.severity, owasp: f.owasp, cwe: `CWE-${f.cwe}`, 'security-severity': SCORE[f.severity] },
        })),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
