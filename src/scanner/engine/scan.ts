import { createHash } from 'node:crypto';
import { loadOpenApi, loadOpenApiObject, type LoadedOpenApi } from '../../core/openapi/load.js';
import { parse as parseYaml } from 'yaml';
import type { AuthFile } from '../auth/identities.js';
import { Identities } from '../auth/identities.js';
import type { CheckDefinition } from '../check.js';
import { CHECKS } from '../checks/registry.js';
import { BudgetExhausted, ScanClient } from '../http/client.js';
import { buildApiModel } from '../model/operations.js';
import { OWASP_CATEGORIES, type CheckOutcome, type CoverageEntry, type Finding, type FindingDraft, type OwaspCategory, type ScanResult } from '../types.js';
import { Canary } from './canary.js';
import { createContext } from './context.js';
import { curlOf } from './curl.js';
import { ResourcePool } from './resources.js';

export interface ScanOptions {
  /** OpenAPI document: a file path, an http(s) URL, or an already parsed object. */
  readonly spec: string | Readonly<Record<string, unknown>>;
  readonly target: string;
  readonly auth?: AuthFile;
  /** Check ids to run (default: all). */
  readonly checks?: readonly string[];
  readonly rate?: number;
  readonly maxRequests?: number;
  readonly maxDurationMs?: number;
  readonly destructive?: boolean;
  readonly onProgress?: (p: { readonly done: number; readonly total: number; readonly check: string; readonly requests: number }) => void;
}

export class ScanSetupError extends Error {
  readonly code = 'ERR_RAMPART_SCAN_SETUP';
}

const VERSION = '0.1.0';

/** What the scanner cannot establish by probing; reported as not covered (or partial), never silently. */
const NOT_COVERED: Partial<Record<OwaspCategory, string>> = {
  'API6:2023': 'only anti-automation of flows named like sign-up, order, checkout or invitation is tested (with --destructive); abuse that depends on business meaning the document does not carry needs a human review.',
  'API10:2023': 'only redirect-following on URLs the API fetches is tested; how the API treats other third-party answers happens server-side, out of the scanner\'s sight.',
};

async function loadSpec(spec: ScanOptions['spec']): Promise<LoadedOpenApi> {
  if (typeof spec !== 'string') return loadOpenApiObject(spec, 'inline document');
  if (/^https?:\/\//i.test(spec)) {
    let text: string;
    try {
      const res = await fetch(spec, { signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new ScanSetupError(`cannot fetch ${spec}: HTTP ${res.status}`);
      text = await res.text();
    } catch (err) {
      throw err instanceof ScanSetupError ? err : new ScanSetupError(`cannot fetch ${spec}: ${(err as Error).message}`);
    }
    let raw: unknown;
    try {
      raw = parseYaml(text);
    } catch (err) {
      throw new ScanSetupError(`${spec}: not YAML or JSON (${(err as Error).message})`);
    }
    return loadOpenApiObject(raw, spec);
  }
  return loadOpenApi(spec);
}

export function fingerprintOf(checkId: string, operation: string | undefined, key: string | undefined): string {
  return createHash('sha256').update(`${checkId}\n${operation ?? ''}\n${key ?? ''}`).digest('hex').slice(0, 16);
}

function toFinding(def: CheckDefinition, d: FindingDraft): Finding {
  const first = d.evidence[0];
  return {
    checkId: def.id,
    title: d.title,
    owasp: def.owasp,
    cwe: def.cwe,
    severity: d.severity ?? def.severity,
    operation: d.operation,
    detail: d.detail,
    remediation: def.remediation,
    evidence: d.evidence,
    curl: first !== undefined ? curlOf(first.request) : '',
    fingerprint: fingerprintOf(def.id, d.operation, d.key),
    suggestion: d.suggestion,
  };
}

function unmet(def: CheckDefinition, ctx: { users: number; admin: boolean; destructive: boolean; login: boolean }): string | undefined {
  const n = def.needs;
  if (n === undefined) return undefined;
  if (n.users !== undefined && ctx.users < n.users) return `needs ${n.users} user identities in --auth`;
  if (n.admin === true && !ctx.admin) return 'needs an admin identity in --auth';
  if (n.destructive === true && !ctx.destructive) return 'changes data: run with --destructive';
  if (n.login === true && !ctx.login) return 'needs an identity with a login operation in --auth';
  return undefined;
}

/** Run a scan: load the document, probe the target with the selected checks, return the result. */
export async function runScan(opts: ScanOptions): Promise<ScanResult> {
  const started = Date.now();
  let target: URL;
  try {
    target = new URL(opts.target);
  } catch {
    throw new ScanSetupError(`--target is not a URL: ${opts.target}`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new ScanSetupError('--target must be http(s)');
  const loaded = await loadSpec(opts.spec);
  const api = buildApiModel(loaded);
  // A category (API1 … API10) selects all of its checks.
  const wanted = (opts.checks ?? []).flatMap((x) => (/^API\d+$/i.test(x) ? CHECKS.filter((c) => c.owasp.startsWith(`${x.toUpperCase()}:`)).map((c) => c.id) : [x]));
  const selected = opts.checks === undefined ? CHECKS : CHECKS.filter((c) => wanted.includes(c.id));
  const unknown = (opts.checks ?? []).filter((id) => !CHECKS.some((c) => c.id === id) && !(/^API\d+$/i.test(id) && wanted.length > 0));
  if (unknown.length > 0) throw new ScanSetupError(`unknown check(s): ${unknown.join(', ')}`);

  const client = new ScanClient({ target: opts.target, rate: opts.rate ?? 50, maxRequests: opts.maxRequests ?? 3000, deadline: started + (opts.maxDurationMs ?? 300_000) });
  const identities = opts.auth !== undefined ? new Identities(opts.auth, client) : undefined;
  if (identities !== undefined) client.setCredentials(identities);
  const canary = selected.some((c) => c.needs?.canary === true) ? new Canary() : undefined;
  await canary?.start();
  const destructive = opts.destructive === true;
  const ctx = createContext({ client, api, identities, destructive, resources: new ResourcePool(), canary });

  // The target must answer at all: a dead target is a usage error (exit 2), not a clean scan.
  const probe = await ctx.notFound();
  if (probe.response.status === 0) {
    await canary?.stop();
    await client.close();
    throw new ScanSetupError(`target ${opts.target} does not answer: ${probe.response.body}`);
  }

  const findings: Finding[] = [];
  const outcomes: CheckOutcome[] = [];
  const have = {
    users: identities?.users().length ?? 0,
    admin: (identities?.admins().length ?? 0) > 0,
    destructive,
    login: identities?.names().some((n) => identities.spec(n).login !== undefined) ?? false,
  };
  let done = 0;
  let exhausted: string | undefined;
  try {
    for (const def of selected) {
      opts.onProgress?.({ done, total: selected.length, check: def.id, requests: client.requestCount });
      const before = client.requestCount;
      const ops = api.operations.filter(def.appliesTo);
      const why = exhausted ?? unmet(def, have) ?? (def.scope === 'operation' && ops.length === 0 ? 'no operation it applies to' : undefined);
      if (why !== undefined) {
        outcomes.push({ id: def.id, status: 'skipped', reason: why, requests: 0, findings: 0 });
      } else {
        try {
          const drafts = await def.run(ctx, ops);
          const mine = drafts.map((d) => toFinding(def, d));
          findings.push(...mine);
          outcomes.push({ id: def.id, status: 'ran', requests: client.requestCount - before, findings: mine.length });
        } catch (err) {
          if (err instanceof BudgetExhausted) exhausted = err.message;
          outcomes.push({ id: def.id, status: err instanceof BudgetExhausted ? 'skipped' : 'failed', reason: (err as Error).message, requests: client.requestCount - before, findings: 0 });
        }
      }
      done++;
    }
    opts.onProgress?.({ done, total: selected.length, check: '', requests: client.requestCount });
  } finally {
    await canary?.stop();
    await client.close();
  }
  return {
    tool: { name: 'rampart-scan', version: VERSION },
    target: opts.target,
    spec: typeof opts.spec === 'string' ? opts.spec : 'inline document',
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    requestCount: client.requestCount,
    destructive,
    findings: dedupe(findings),
    checks: outcomes,
    coverage: coverageOf(outcomes),
  };
}

function dedupe(fs: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return fs.filter((f) => (seen.has(f.fingerprint) ? false : (seen.add(f.fingerprint), true)));
}

export function coverageOf(outcomes: readonly CheckOutcome[]): CoverageEntry[] {
  return (Object.keys(OWASP_CATEGORIES) as OwaspCategory[]).map((category) => {
    const defs = CHECKS.filter((c) => c.owasp === category);
    const ran = defs.filter((d) => outcomes.some((o) => o.id === d.id && o.status === 'ran')).map((d) => d.id);
    const note = NOT_COVERED[category];
    if (ran.length === 0) return { category, name: OWASP_CATEGORIES[category], status: 'not-covered', checks: [], note: note ?? 'no check for this category ran (see skipped checks)' };
    return { category, name: OWASP_CATEGORIES[category], status: ran.length === defs.length && note === undefined ? 'covered' : 'partial', checks: ran, note };
  });
}
