/**
 * Per-route config sections owned by the stages (Kong's handler + schema). Each stage keeps its schema beside
 * its code and adds it here; the root config schema spreads this object into the route schema.
 */
export const routeStagesSchema = {};
