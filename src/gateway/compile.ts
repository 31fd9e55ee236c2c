import type { Config, RouteConfig } from '../core/config/schema.js';
import type { StageBuild, StageEnv, StageModule } from './pipeline/module.js';
import type { Stage } from './pipeline/types.js';
import { createRouter, type Router } from './routing/router.js';
import { createTrustedProxies, type TrustedProxies } from './http/client-ip.js';
import type { CanonicalOptions } from './http/canonical-path.js';
import type { Upstream } from './upstream/upstream.js';

/** A route with everything a request needs, computed once per config. */
export interface CompiledRoute {
  readonly id: string;
  readonly config: Readonly<RouteConfig>;
  readonly upstream: Upstream;
  /** The route's pipeline stages in order (only those the route uses). */
  readonly stages: readonly Stage[];
  readonly needsBody: boolean;
  readonly needsResponseBody: boolean;
  readonly hasOnResponse: boolean;
  readonly maxBodyBytes: number;
  readonly stripPrefix: string | undefined;
}

/** One loaded config, ready to serve. Requests hold on to the one they started with (hot reload). */
export interface CompiledGateway {
  readonly config: Readonly<Config>;
  readonly router: Router<CompiledRoute>;
  readonly trusted: TrustedProxies;
  readonly canonical: CanonicalOptions;
  readonly routes: readonly CompiledRoute[];
  /** Requests being handled on this config. */
  inflight: number;
  /** Release stage builds (after a newer config took over and this one drained). */
  close(): Promise<void>;
  /** Health reported by stage builds, by stage name. */
  health(): Record<string, { readonly ok: boolean; readonly [detail: string]: unknown }>;
}

export interface CompileDeps {
  readonly env: StageEnv;
  readonly modules: readonly StageModule[];
  /** Returns the (possibly reused) upstream for a name and config. */
  readonly upstream: (name: string) => Upstream;
}

export async function compileGateway(config: Readonly<Config>, deps: CompileDeps): Promise<CompiledGateway> {
  const builds: StageBuild[] = [];
  const named: [string, StageBuild][] = [];
  try {
    for (const m of deps.modules) {
      const b = await m.build(config, deps.env);
      builds.push(b);
      named.push([m.name, b]);
    }
  } catch (err) {
    await Promise.allSettled(builds.map((b) => b.close?.()));
    throw err;
  }
  const routes = config.routes.map((rc): CompiledRoute => {
    const stages: Stage[] = [];
    for (const b of builds) {
      const s = b.forRoute(rc);
      if (s !== undefined) stages.push(s);
    }
    return {
      id: rc.id,
      config: rc,
      upstream: deps.upstream(rc.upstream),
      stages,
      needsBody: stages.some((s) => s.needsBody === true),
      needsResponseBody: stages.some((s) => s.needsResponseBody === true),
      hasOnResponse: stages.some((s) => s.onResponse !== undefined),
      maxBodyBytes: rc.maxBodyBytes ?? config.listen.maxBodyBytes,
      stripPrefix: rc.stripPrefix?.replace(/\/$/, ''),
    };
  });
  const router = createRouter(
    routes.map((r) => ({
      id: r.id,
      path: r.config.match.path,
      methods: r.config.match.methods,
      hosts: r.config.match.hosts?.map((h) => h.toLowerCase()),
      value: r,
    })),
    { caseSensitive: config.paths.caseSensitive },
  );
  return {
    config,
    router,
    trusted: createTrustedProxies(config.listen.trustedProxies),
    canonical: config.paths,
    routes,
    inflight: 0,
    async close() {
      await Promise.allSettled(builds.map((b) => b.close?.()));
    },
    health() {
      const out: Record<string, { readonly ok: boolean; readonly [detail: string]: unknown }> = {};
      for (const [name, b] of named) {
        const h = b.health?.();
        if (h !== undefined) out[name] = h;
      }
      return out;
    },
  };
}
