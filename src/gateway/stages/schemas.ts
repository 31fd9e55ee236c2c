import { authenticationRouteEntry, authGlobalEntry } from './authentication/schema.js';
import { authorizationRouteEntry } from './authorization/schema.js';
import { detectionRouteEntry } from './detection/schema.js';
import { rateLimitGlobalEntry, rateLimitRouteEntry } from './rate-limit/schema.js';
import { responseProtectionRouteEntry } from './response-protection/schema.js';
import { validationRouteEntry } from './validation/schema.js';
/**
 * Per-route config sections owned by the stages (Kong's handler + schema). Each stage keeps its schema beside
 * its code and adds it here; the root config schema spreads this object into the route schema.
 */
export const routeStagesSchema = {
  validation: validationRouteEntry,
  responseProtection: responseProtectionRouteEntry,
  authentication: authenticationRouteEntry,
  authorization: authorizationRouteEntry,
  rateLimit: rateLimitRouteEntry,
  detection: detectionRouteEntry,
};

/** Optional top-level sections owned by the stages; the root config schema spreads this object into its own. */
export const globalStagesSchema = {
  auth: authGlobalEntry,
  rateLimit: rateLimitGlobalEntry,
};
