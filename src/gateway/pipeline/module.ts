import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config, RouteConfig } from '../../core/config/schema.js';
import type { Stage, StageName } from './types.js';

/**
 * What a stage module gets when it is built: the whole validated config, shared services, and a place for
 * resources that outlive one config (connections, caches) so a hot reload reuses them.
 */
export interface StageEnv {
  readonly logger: Logger;
  readonly metrics: Registry;
  /** Wall clock in ms since the epoch (injectable for tests). */
  readonly now: () => number;
  /** Directory of the config file: relative paths in the config are resolved against it. */
  readonly baseDir: string;
  /**
   * A resource kept for the gateway's lifetime under `key` (created on first use, reused across reloads,
   * disposed at shutdown): e.g. one Redis client per URL.
   */
  resource<T>(key: string, create: () => T, dispose?: (value: T) => void | Promise<void>): T;
}

/**
 * A stage module (Kong's plugin: handler + schema). `build` runs once per config load (start-up and each
 * reload), does all the heavy work (compile validators, load keys, open stores), and returns a builder that
 * gives each route its stage, or nothing when the route does not use it.
 */
export interface StageModule {
  readonly name: StageName;
  build(config: Readonly<Config>, env: StageEnv): StageBuild | Promise<StageBuild>;
}

export interface StageBuild {
  forRoute(route: Readonly<RouteConfig>): Stage | undefined;
  /** Release what this build holds (not the shared resources). Called when a newer config replaced it. */
  close?(): void | Promise<void>;
  /** State worth showing on /readyz (e.g. JWKS freshness); `ok: false` reports the gateway as degraded. */
  health?(): { readonly ok: boolean; readonly [detail: string]: unknown };
}
