import { BoundedMap } from '../core/bounded-map.js';
import { extract } from './extract/request.js';
import { viewsInto } from './normalize/views.js';
import type { Emitter, Item, Rule } from './rule.js';
import type { View } from './normalize/views.js';
import { REQUEST_DETECTORS, VALUE_DETECTORS } from './registry.js';
import type { Exclusion, Finding, InspectOptions, InspectRequest, InspectResult, Paranoia } from './types.js';

const FRAGMENT_MAX = 120;
/**
 * Header values repeat from request to request (a client's User-Agent, its custom headers): each inspector keeps
 * the value detectors' findings for the last HEADER_VALUES_MAX distinct values (of at most HEADER_VALUE_MAX
 * characters) of each of the last HEADER_NAMES_MAX header names it met.
 */
const HEADER_VALUES_MAX = 128;
const HEADER_VALUE_MAX = 512;
const HEADER_NAMES_MAX = 16;

/** A compiled inspector: options are validated and exclusions compiled once, then `inspect` runs per request. */
export interface Inspector {
  inspect(request: InspectRequest): InspectResult;
}

interface CompiledExclusion {
  readonly prefix: string;
  readonly exact: boolean;
  readonly detector: string | undefined;
}

export function createInspector(options: InspectOptions = {}): Inspector {
  const paranoia: Paranoia = options.paranoia ?? 2;
  const threshold = options.threshold ?? 5;
  const cap = options.maxInspectBytes ?? 65_536;
  const exclusions = (options.exclusions ?? []).map(compileExclusion);
  const detectors = VALUE_DETECTORS.filter((d) => d.rules.some((r) => r.pl <= paranoia));
  const wholeDetectorExcluded = (name: string) => exclusions.some((e) => e.prefix === '' && !e.exact && e.detector === name);
  const active = detectors.filter((d) => !wholeDetectorExcluded(d.name));
  const requestDetectors = REQUEST_DETECTORS.filter((d) => !wholeDetectorExcluded(d.name));
  // Header name -> value -> findings: keyed by the strings the request already holds (no key built per request).
  const headerCache = new BoundedMap<string, BoundedMap<string, readonly Finding[]>>(HEADER_NAMES_MAX);
  const cacheFor = (name: string): BoundedMap<string, readonly Finding[]> => {
    let m = headerCache.get(name);
    if (m === undefined) headerCache.set(name, (m = new BoundedMap(HEADER_VALUES_MAX)));
    return m;
  };
  // The per-request lists of views, their masks and their items, kept between calls (inspect is synchronous and
  // not re-entrant): a request allocates no arrays for them once they have grown.
  const views: View[] = [];
  const masks: number[] = [];
  const owner: number[] = [];
  return {
    inspect(request) {
      const ex = extract(request, cap);
      const findings: Finding[] = [];
      // Most requests find nothing: the de-duplication set is made on the first finding.
      let seen: Set<string> | undefined;
      let detector = '';
      let location = '';
      const out: Emitter = {
        paranoia,
        emit(rule: Rule, fragment: string) {
          if (rule.pl > paranoia) return;
          const key = rule.id + '\0' + location;
          seen ??= new Set<string>();
          if (seen.has(key)) return;
          if (exclusions.length > 0 && excluded(exclusions, location, detector, rule.id)) return;
          seen.add(key);
          findings.push({ detector, ruleId: rule.id, category: rule.category, score: rule.score, location, fragment: fragment.slice(0, FRAGMENT_MAX), reason: rule.reason });
        },
      };
      // Detector by detector over all views (measured faster than item by item). The views of all items are laid
      // out flat, each with its item's index: most items have one view, and a detector whose trigger misses a view's
      // mask skips it with one test.
      const items = ex.items;
      const n = items.length;
      // Live views are [0, nv); slots past nv hold older requests' views until a larger request overwrites them.
      let nv = 0;
      // Header items whose findings are to be remembered after this request, with their caches.
      let toRemember: Map<number, BoundedMap<string, readonly Finding[]>> | undefined;
      let xml = false;
      for (let i = 0; i < n; i++) {
        const item = items[i] as Item;
        const cache = item.kind === 'header' && item.header !== undefined && item.value.length <= HEADER_VALUE_MAX ? cacheFor(item.header) : undefined;
        if (cache !== undefined) {
          const known = cache.get(item.value);
          if (known !== undefined) {
            for (const f of known) {
              (seen ??= new Set<string>()).add(f.ruleId + '\0' + f.location);
              findings.push(f);
            }
            continue;
          }
          (toRemember ??= new Map()).set(i, cache);
        }
        const added = viewsInto(item.value, views, nv);
        for (let k = nv; k < nv + added; k++) {
          masks[k] = (views[k] as View).mask;
          owner[k] = i;
        }
        nv += added;
        if (item.kind === 'xml') xml = true;
      }
      for (let a = 0; a < active.length; a++) {
        const d = active[a] as (typeof active)[number];
        detector = d.name;
        const trigger = d.trigger;
        const skipXml = xml && d.documents !== true;
        for (let j = 0; j < nv; j++) {
          if (trigger !== 0 && ((masks[j] as number) & trigger) === 0) continue;
          const v = views[j] as View;
          const item = items[owner[j] as number] as Item;
          if (skipXml && item.kind === 'xml') continue;
          location = item.location;
          d.inspect(v, item, out);
        }
      }
      if (toRemember !== undefined) {
        for (const [i, cache] of toRemember) {
          const item = items[i] as Item;
          const location = item.location;
          cache.set(item.value, findings.filter((f) => f.location === location));
        }
      }
      for (const d of requestDetectors) {
        detector = d.name;
        location = 'request';
        d.inspect(request, ex, out, (loc) => (location = loc));
      }
      const score = anomalyScore(findings);
      return { score, blocked: score >= threshold, findings, truncated: ex.skippedBytes > 0, inspectedBytes: ex.inspectedBytes };
    },
  };
}

/**
 * The anomaly score: every finding's score, except that a weak rule (below 5) found again elsewhere counts once. Two
 * rich-text fields with a `<p>` each are one piece of evidence, not two; different weak rules still add up, and a
 * strong rule blocks on its own wherever it is found.
 */
function anomalyScore(findings: readonly Finding[]): number {
  let score = 0;
  let weak: Set<string> | undefined;
  for (const f of findings) {
    if (f.score >= 5) score += f.score;
    else if (!(weak ??= new Set()).has(f.ruleId)) {
      weak.add(f.ruleId);
      score += f.score;
    }
  }
  return score;
}

function compileExclusion(e: Exclusion): CompiledExclusion {
  const loc = e.location ?? '*';
  const wildcard = loc.endsWith('*');
  return { prefix: wildcard ? loc.slice(0, -1) : loc, exact: !wildcard, detector: e.detector };
}

function excluded(list: readonly CompiledExclusion[], location: string, detector: string, ruleId: string): boolean {
  for (const e of list) {
    const locOk = e.exact ? location === e.prefix : location.startsWith(e.prefix);
    if (!locOk) continue;
    if (e.detector === undefined || e.detector === detector || e.detector === ruleId) return true;
  }
  return false;
}

const defaultInspector = createInspector();

/** Inspect one request with default options (or the given ones). */
export function inspect(request: InspectRequest, options?: InspectOptions): InspectResult {
  return options === undefined ? defaultInspector.inspect(request) : createInspector(options).inspect(request);
}
