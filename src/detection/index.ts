export { createInspector, inspect, type Inspector } from './inspect.js';
export { CATEGORIES, type Category, type Exclusion, type Finding, type InspectOptions, type InspectRequest, type InspectResult, type JsonHint, type Paranoia } from './types.js';
export { VALUE_DETECTORS, REQUEST_DETECTORS } from './registry.js';
export type { Rule } from './rule.js';
