import { Counter, type Registry } from 'prom-client';
import { problem, type Problem } from '../../../core/problems/index.js';
import { createInspector, REQUEST_DETECTORS, VALUE_DETECTORS, type Finding, type InspectRequest, type InspectResult, type Paranoia } from '../../../detection/index.js';
import type { StageBuild, StageEnv, StageModule } from '../../pipeline/module.js';
import { CONTINUE, reject, type Decision, type RequestContext, type Stage } from '../../pipeline/types.js';
import { deferredChild } from '../../deferred-counter.js';
import type { DetectionConfig } from './schema.js';

declare module '../../pipeline/types.js' {
  interface Facts {
    /** The detection verdict (set by the detection stage): the adaptive rate limiter and logs read it. */
    detection?: { readonly score: number; readonly blocked: boolean; readonly categories: readonly string[] };
  }
}

interface DetectionMetrics {
  readonly decisions: Counter;
  readonly findings: Counter;
}

function counter(registry: Registry, name: string, help: string, labelNames: string[]): Counter {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

function detectionMetrics(registry: Registry): DetectionMetrics {
  return {
    decisions: counter(registry, 'rampart_detection_decisions_total', 'Detection verdicts by route and outcome (pass, block, detect-only, over-limit).', ['route', 'outcome']),
    findings: counter(registry, 'rampart_detection_findings_total', 'Detection findings by route, category and rule.', ['route', 'category', 'rule']),
  };
}

const KNOWN_NAMES: ReadonlySet<string> = new Set([
  ...VALUE_DETECTORS.flatMap((d) => [d.name, ...d.rules.map((r) => r.id)]),
  ...REQUEST_DETECTORS.flatMap((d) => [d.name, ...d.rules.map((r) => r.id)]),
]);

/** Check the exclusions name real detectors or rules: a typo would silently disable nothing. */
export function checkExclusions(routeId: string, cfg: DetectionConfig): void {
  for (const [i, e] of cfg.exclusions.entries()) {
    if (e.detector !== undefined && !KNOWN_NAMES.has(e.detector)) {
      throw new Error(`routes[${routeId}].detection.exclusions[${i}].detector: unknown detector or rule "${e.detector}"`);
    }
    if (e.location === undefined && e.detector === undefined) throw new Error(`routes[${routeId}].detection.exclusions[${i}]: give a location, a detector, or both`);
  }
}

/** The request as the engine reads it: the raw request target (encoding tricks are evidence), headers, body. */
export function toInspectRequest(ctx: RequestContext): InspectRequest {
  const url = ctx.raw?.url ?? ctx.path + (ctx.query === '' ? '' : '?' + ctx.query);
  const q = url.indexOf('?');
  const validated = ctx.facts.validatedJson;
  // One literal with every member (no conditional spreads): one object shape for every request.
  return {
    method: ctx.method,
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? '' : url.slice(q + 1),
    headers: ctx.headers,
    body: ctx.body,
    httpVersion: versionOf(ctx),
    // The body validation parsed and passed (what the upstream receives), with its declared shape.
    json: validated === undefined ? undefined : { value: validated.value, hint: validated.shape },
    inertQuery: ctx.facts.inertQuery,
  };
}

function versionOf(ctx: RequestContext): string | undefined {
  const v: unknown = ctx.raw?.httpVersion;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The problem sent when blocking: the strongest finding's category and rule, never the payload. */
export function blockProblem(result: InspectResult): Problem {
  let top: Finding | undefined;
  for (const f of result.findings) if (top === undefined || f.score > top.score) top = f;
  const category = top?.category ?? 'protocol';
  const rule = top?.ruleId ?? 'unknown';
  return problem('attack-detected', 'The request was blocked by attack detection.', {
    extensions: { category, rule },
    reason: `score ${result.score}: ${result.findings.map((f) => `${f.ruleId}@${f.location}`).join(', ')}`.slice(0, 500),
  });
}

function toParanoia(n: number): Paranoia {
  return n <= 1 ? 1 : n === 2 ? 2 : n === 3 ? 3 : 4;
}

function createStage(routeId: string, cfg: DetectionConfig, metrics: DetectionMetrics): Stage {
  const inspector = createInspector({
    paranoia: toParanoia(cfg.paranoia),
    threshold: cfg.threshold,
    exclusions: cfg.exclusions,
    maxInspectBytes: cfg.maxInspectBytes,
  });
  const detectOnly = cfg.mode === 'detect';
  const overLimitBlocks = cfg.overLimit === 'block';
  // The per-request outcome is counted in a number until a scrape (prom-client hashes labels on every inc).
  const passed = deferredChild(metrics.decisions, { route: routeId, outcome: 'pass' });
  return {
    name: 'detection',
    needsBody: true,
    onRequest(ctx: RequestContext): Decision {
      const result = inspector.inspect(toInspectRequest(ctx));
      for (const f of result.findings) metrics.findings.inc({ route: routeId, category: f.category, rule: f.ruleId });
      if (result.findings.length > 0 || result.truncated) {
        ctx.annotate('detection', {
          score: result.score,
          blocked: result.blocked && !detectOnly,
          truncated: result.truncated,
          findings: result.findings.map((f) => ({ rule: f.ruleId, category: f.category, score: f.score, location: f.location, fragment: f.fragment })),
        });
      }
      if (result.truncated && overLimitBlocks) {
        metrics.decisions.inc({ route: routeId, outcome: 'over-limit' });
        return reject(problem('payload-too-large', 'The request is larger than attack detection inspects.', { reason: `inspection cap ${cfg.maxInspectBytes} bytes` }));
      }
      if (result.findings.length === 0) {
        passed.inc();
        return CONTINUE;
      }
      const categories = [...new Set(result.findings.map((f) => f.category))];
      const facts = { detection: { score: result.score, blocked: result.blocked && !detectOnly, categories } };
      if (!result.blocked) {
        passed.inc();
        return { kind: 'continue', facts };
      }
      if (detectOnly) {
        metrics.decisions.inc({ route: routeId, outcome: 'detect-only' });
        return { kind: 'continue', facts };
      }
      metrics.decisions.inc({ route: routeId, outcome: 'block' });
      return reject(blockProblem(result));
    },
  };
}

export const detectionModule: StageModule = {
  name: 'detection',
  build(config, env: StageEnv): StageBuild {
    const metrics = detectionMetrics(env.metrics);
    const stages = new Map<string, Stage>();
    for (const route of config.routes) {
      const cfg = route.detection;
      if (cfg === undefined || !cfg.enabled) continue;
      checkExclusions(route.id, cfg);
      stages.set(route.id, createStage(route.id, cfg, metrics));
    }
    return { forRoute: (route) => stages.get(route.id) };
  },
};
