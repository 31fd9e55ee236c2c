import { stringify } from 'yaml';
import type { Finding, ScanResult } from '../types.js';
import { sortFindings } from '../report/summary.js';

interface RouteDraft {
  readonly id: string;
  readonly path: string;
  readonly methods: Set<string>;
  readonly comments: string[];
  readonly sections: Record<string, unknown>;
  readonly proposed: string[];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge: objects merge, arrays union, scalars from `b` win. */
export function mergeSection(a: unknown, b: unknown): unknown {
  if (Array.isArray(a) && Array.isArray(b)) {
    const seen = new Set(a.map((x) => JSON.stringify(x)));
    return [...a, ...b.filter((x) => !seen.has(JSON.stringify(x)))];
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in out ? mergeSection(out[k], v) : v;
    return out;
  }
  return b;
}

function routeId(method: string, path: string): string {
  return `${method}-${path}`.toLowerCase().replace(/[{}]/g, '').replace(/[^a-z0-9_.]+/g, '-').replace(/^-+|-+$/g, '');
}

function comment(f: Finding): string {
  return `# [${f.severity}] ${f.checkId} (${f.owasp}, CWE-${f.cwe}): ${f.title}`.replace(/\s+/g, ' ');
}

/**
 * The Rampart YAML that blocks what the scan found, where the gateway can: one route per affected operation with
 * the sections that close it (ownership rule for BOLA, adminOnly for BFLA, authentication, rate limits, strict
 * validation, response protection, body limits) and a comment per finding. Findings the gateway cannot block
 * are listed as comments; keys the gateway schema does not have yet are written commented out.
 */
export function suggestConfig(r: ScanResult, opts: { upstream?: string; openapi?: string } = {}): string {
  const upstream = opts.upstream ?? 'api';
  const openapi = opts.openapi ?? (r.spec === 'inline document' ? 'openapi.yaml' : r.spec);
  const routes = new Map<string, RouteDraft>();
  const unblockable: string[] = [];
  for (const f of sortFindings(r.findings)) {
    const s = f.suggestion;
    if (s === undefined) {
      unblockable.push(`${comment(f)}\n#   not blockable at the gateway: ${f.remediation}`);
      continue;
    }
    const m = /^([A-Z]+) (\/.*)$/.exec(f.operation ?? '');
    const method = m?.[1] ?? 'GET';
    const path = m?.[2] ?? '/**';
    const key = m === null ? 'all' : path;
    let route = routes.get(key);
    if (route === undefined) {
      route = { id: m === null ? 'all' : routeId(method, path), path, methods: new Set(), comments: [], sections: {}, proposed: [] };
      routes.set(key, route);
    }
    if (m !== null) route.methods.add(method);
    route.comments.push(comment(f) + (s.note !== undefined ? `\n#   ${s.note}` : ''));
    if (s.proposed === true) {
      route.proposed.push(...stringify({ [s.key]: s.value }).trimEnd().split('\n').map((l) => `#   ${l}`));
      continue;
    }
    let value = s.value;
    if (s.key === 'validation') value = mergeSection({ openapi }, value);
    route.sections[s.key] = s.key in route.sections ? mergeSection(route.sections[s.key], value) : value;
  }
  const out: string[] = [
    `# Rampart gateway configuration suggested by \`rampart scan\` of ${r.target} (${r.startedAt}).`,
    '# Merge the routes below into your config; each comment names the finding the section blocks.',
    `# Findings: ${r.findings.length}; routes: ${routes.size}.`,
    'routes:',
  ];
  let written = 0;
  for (const route of routes.values()) {
    const { match: extraMatch, ...sections } = route.sections;
    const methods = [...route.methods].sort();
    const match = mergeSection(methods.length > 0 ? { path: route.path, methods } : { path: route.path }, extraMatch ?? {});
    out.push(...route.comments.flatMap((c) => c.split('\n')).map((l) => `  ${l}`));
    if (route.proposed.length > 0) out.push('  # proposed (not in the gateway schema yet):', ...route.proposed.map((l) => `  ${l}`));
    // A route with nothing to enforce would only shadow others: its comments stand alone.
    if (Object.keys(route.sections).length === 0) continue;
    written++;
    const yaml = stringify([{ id: route.id, match, upstream, ...sections }], { lineWidth: 0 }).trimEnd();
    out.push(...yaml.split('\n').map((l) => `  ${l}`));
  }
  if (written === 0) out.push('  []');
  if (unblockable.length > 0) out.push('', '# Findings the gateway cannot block (fix them in the API):', ...unblockable);
  return `${out.join('\n')}\n`;
}
