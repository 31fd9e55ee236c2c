import type { StageModule } from '../pipeline/module.js';
import { STAGE_ORDER } from '../pipeline/types.js';
import { responseProtectionModule } from './response-protection/response-protection.js';
import { authenticationModule } from './authentication/authentication.js';
import { authorizationModule } from './authorization/authorization.js';
import { rateLimitModule } from './rate-limit/rate-limit.js';
import { validationModule } from './validation/validation.js';
import { detectionModule } from './detection/detection.js';

/**
 * Every pluggable stage module, in pipeline order. `hardening` and `routing` are built into the runner
 * (they must run before a route, and so a route's stages, is known). A test holds this list to STAGE_ORDER.
 */
export const STAGE_MODULES: readonly StageModule[] = [
  responseProtectionModule,
  authenticationModule,
  authorizationModule,
  rateLimitModule,
  validationModule,
  detectionModule,
];

export function orderedModules(modules: readonly StageModule[] = STAGE_MODULES): readonly StageModule[] {
  return [...modules].sort((a, b) => STAGE_ORDER.indexOf(a.name) - STAGE_ORDER.indexOf(b.name));
}
