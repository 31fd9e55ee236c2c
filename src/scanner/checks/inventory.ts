import { defineCheck } from '../check.js';
import type { Severity } from '../types.js';
import type { FindingDraft } from '../types.js';
import { is2xx, normalise } from './util.js';

interface Probe {
  readonly path: string;
  readonly severity: Severity;
  readonly what: string;
  /** When given, the body must match: the content proves what was found (not a catch-all 200). */
  readonly proof?: RegExp;
}

const COMMON: readonly Probe[] = [
  { path: '/.env', severity: 'critical', what: 'an environment file with secrets', proof: /^[A-Z][A-Z0-9_]*=.*/m },
  { path: '/.git/config', severity: 'high', what: 'the git repository config', proof: /\[core\]/ },
  { path: '/.git/HEAD', severity: 'high', what: 'the git repository', proof: /^ref: refs\// },
  { path: '/backup.sql', severity: 'critical', what: 'a database backup', proof: /CREATE TABLE|INSERT INTO/i },
  { path: '/backup.zip', severity: 'high', what: 'a backup archive', proof: /^PK/ },
  { path: '/db.sqlite', severity: 'critical', what: 'an SQLite database', proof: /^SQLite format 3/ },
  { path: '/config.json', severity: 'high', what: 'a configuration file', proof: /password|secret|api_?key|token/i },
  { path: '/actuator/env', severity: 'high', what: 'Spring actuator environment', proof: /propertySources|activeProfiles/ },
  { path: '/actuator', severity: 'medium', what: 'Spring actuator', proof: /_links/ },
  { path: '/debug', severity: 'medium', what: 'a debug endpoint' },
  { path: '/debug/vars', severity: 'medium', what: 'Go expvar debug data', proof: /memstats|cmdline/ },
  { path: '/debug/pprof/', severity: 'medium', what: 'Go pprof profiler', proof: /profile/i },
  { path: '/admin', severity: 'medium', what: 'an admin interface' },
  { path: '/console', severity: 'medium', what: 'a console' },
  { path: '/server-status', severity: 'medium', what: 'Apache server-status', proof: /Server uptime|Apache/ },
  { path: '/phpinfo.php', severity: 'medium', what: 'phpinfo()', proof: /PHP Version/ },
  { path: '/metrics', severity: 'low', what: 'metrics', proof: /# (HELP|TYPE) / },
  { path: '/graphql', severity: 'low', what: 'a GraphQL endpoint' },
  { path: '/swagger.json', severity: 'info', what: 'an API description', proof: /"(swagger|openapi)"/ },
  { path: '/openapi.json', severity: 'info', what: 'an API description', proof: /"(swagger|openapi)"/ },
  { path: '/api-docs', severity: 'info', what: 'API documentation' },
  { path: '/docs', severity: 'info', what: 'API documentation' },
  { path: '/swagger-ui.html', severity: 'info', what: 'Swagger UI' },
];

function templateMatches(template: string, path: string): boolean {
  const re = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}/?$`, 'i');
  return re.test(path);
}

/** A few documented reads moved to neighbouring versions: /v2/users → /v1/users, /v3/users, /beta/users. */
function versionSiblings(paths: readonly string[]): string[] {
  const out = new Set<string>();
  for (const p of paths.filter((x) => /\/v\d+(\/|$)/.test(x)).slice(0, 3)) {
    const m = /\/v(\d+)(?=\/|$)/.exec(p)!;
    const n = Number(m[1]);
    for (const v of [n - 1, n + 1, 0]) if (v >= 0 && v !== n) out.add(p.replace(m[0], `/v${v}`));
    out.add(p.replace(m[0], '/beta'));
    out.add(p.replace(m[0], '/internal'));
  }
  return [...out];
}

/**
 * API9: undocumented endpoints and older versions. A bounded list of paths is probed; a hit needs a 2xx answer that
 * differs from the answer to a path that cannot exist (soft-404s), content proving what it is where the name alone
 * would not, and no documented path matching it.
 */
export const inventory = defineCheck({
  id: 'inventory',
  title: 'Undocumented endpoints and versions',
  owasp: 'API9:2023',
  cwe: 1059,
  severity: 'medium',
  description: 'Probes a bounded list of common paths and version siblings of documented paths.',
  remediation: 'Retire old versions, remove debug and backup files, and document (or block at the gateway) everything that is served.',
  scope: 'target',
  appliesTo: () => true,
  async run(ctx) {
    const soft404 = normalise((await ctx.notFound()).response.body);
    const documented = ctx.api.documentedPaths;
    const probes: Probe[] = [
      ...versionSiblings(ctx.api.operations.filter((o) => o.method === 'GET' && !o.path.includes('{')).map((o) => ctx.api.basePath + o.path)).map((path): Probe => ({ path, severity: 'medium', what: 'an undocumented API version' })),
      ...COMMON.map((p) => ({ ...p, path: p.path })),
    ];
    const out: FindingDraft[] = [];
    for (const probe of probes) {
      if (documented.some((t) => templateMatches(t, probe.path))) continue;
      const ex = await ctx.client.send({ method: 'GET', path: probe.path });
      if (!is2xx(ex.response.status) || normalise(ex.response.body) === soft404) continue;
      if (probe.proof !== undefined && !probe.proof.test(ex.response.body)) continue;
      out.push({
        title: `Undocumented: ${probe.path} serves ${probe.what}`,
        severity: probe.severity,
        key: probe.path,
        operation: `GET ${probe.path}`,
        detail: `GET ${probe.path} answered HTTP ${ex.response.status} with ${probe.what}; the document does not declare it, and unknown paths answer differently.`,
        evidence: [ex],
        suggestion: { key: 'validation', value: { mode: 'strict' }, note: 'route only documented paths; undocumented operations then answer 404' },
      });
    }
    return out;
  },
});
