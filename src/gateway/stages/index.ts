import type { StageModule } from '../pipeline/module.js';
import { STAGE_ORDER } from '../pipeline/types.js';

/**
 * Every pluggable stage module, in pipeline order. `hardening` and `routing` are built into the runner
 * (they must run before a route, and so a route's stages, is known). A test holds this list to STAGE_ORDER.
 */
export const STAGE_MODULES: readonly StageModule[] = [];

export function orderedModules(modules: readonly StageModule[] = STAGE_MODULES): readonly StageModule[] {
  return [...modules].sort((a, b) => STAGE_ORDER.indexOf(a.name) - STAGE_ORDER.indexOf(b.name));
}
