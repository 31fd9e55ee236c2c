export { DEFAULT_JSON_LIMITS, type JsonIssue, type JsonLimits } from './limits.js';
export { scanJson } from './scan.js';
export { decodeUtf8, parseJsonBounded, type JsonParseResult } from './parse.js';
