/**
 * Rampart's public library API (the package's main entry). The CLI is `rampart`; this is for embedding.
 */
export { createGateway, type Gateway, type GatewayOptions } from './gateway/server.js';
export { loadConfigFile, parseConfigText, formatIssues, ConfigError, type ConfigIssue, type ConfigResult } from './core/config/load.js';
export type { Config, RouteConfig, UpstreamConfig } from './core/config/schema.js';
export { createLogger } from './core/logging/logger.js';
export { PROBLEM_TYPES, type ProblemCode, type Problem, type ProblemFieldError } from './core/problems/index.js';
export { STAGE_ORDER, CONTINUE, proceed, reject, type Stage, type StageName, type Decision, type Facts, type Principal, type RequestContext, type GatewayResponse, type LogRecord } from './gateway/pipeline/types.js';
export type { StageModule, StageBuild, StageEnv } from './gateway/pipeline/module.js';
export { inspect, createInspector, type InspectRequest, type InspectResult, type Finding } from './detection/index.js';
