import type { Inspector } from '../inspect.js';
import type { InspectRequest } from '../types.js';

/** Request builders for detection tests: one value placed where a client would send it. */
const HOST = 'api.example.com';

/** A GET with one query parameter `name` carrying `value`. */
export function queryRequest(value: string, name = 'x', path = '/api/items'): InspectRequest {
  return { method: 'GET', path, query: `${name}=${encodeURIComponent(value)}`, headers: { host: HOST } };
}

/** A JSON POST whose one member `field` carries `value`. */
export function jsonRequest(field: string, value: unknown, path = '/api/notes'): InspectRequest {
  return { method: 'POST', path, query: '', headers: { host: HOST, 'content-type': 'application/json' }, body: JSON.stringify({ [field]: value }) };
}

/** The ids of the rules an inspector reports for a request. */
export function ruleIds(inspector: Inspector, request: InspectRequest): string[] {
  return inspector.inspect(request).findings.map((f) => f.ruleId);
}
