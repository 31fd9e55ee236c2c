import { isIP } from 'node:net';
import type { Config } from './schema.js';
import { parsePathTemplate } from '../../gateway/routing/template.js';

/** Checks that a JSON Schema cannot express: references between sections, uniqueness, parseable values. */
export function checkSemantics(config: Config): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const ids = new Map<string, number>();
  (Array.isArray(config.routes) ? config.routes : []).forEach((route, i) => {
    const at = `routes[${i}]`;
    const prev = ids.get(route.id);
    if (prev !== undefined) issues.push({ path: `${at}.id`, message: `duplicate route id "${route.id}" (also routes[${prev}])` });
    ids.set(route.id, i);
    if (typeof config.upstreams === 'object' && config.upstreams !== null && !Object.hasOwn(config.upstreams, route.upstream)) {
      const known = Object.keys(config.upstreams);
      issues.push({ path: `${at}.upstream`, message: `unknown upstream "${route.upstream}"${known.length ? ` (known: ${known.join(', ')})` : ''}` });
    }
    const parsed = typeof route.match?.path === 'string' ? parsePathTemplate(route.match.path) : { ok: true as const };
    if (!parsed.ok) issues.push({ path: `${at}.match.path`, message: parsed.error });
  });
  (config.listen?.trustedProxies ?? []).forEach((p, i) => {
    const [addr, bits, extra] = p.split('/');
    const family = isIP(addr ?? '');
    const max = family === 6 ? 128 : 32;
    if (family === 0 || extra !== undefined || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= max))) {
      issues.push({ path: `listen.trustedProxies[${i}]`, message: `"${p}" is not an IP address or CIDR range` });
    }
  });
  for (const [name, up] of Object.entries(config.upstreams ?? {})) {
    (Array.isArray(up?.targets) ? up.targets : []).forEach((t, i) => {
      const url = typeof t === 'string' ? t : t.url;
      try {
        const u = new URL(url);
        if (u.search !== '' || u.hash !== '') issues.push({ path: `upstreams.${name}.targets[${i}]`, message: 'a target URL takes no query or fragment' });
      } catch {
        issues.push({ path: `upstreams.${name}.targets[${i}]`, message: `"${url}" is not a URL` });
      }
    });
  }
  return issues;
}
