import type { ProblemFieldError } from '../../../core/problems/problem.js';
import type { SchemaError } from '../../../core/openapi/compile.js';
import { READ_ONLY_KEYWORD } from '../../../core/openapi/schema.js';

/** Most field errors sent in one problem: enough to fix a request, bounded so the answer stays small. */
export const MAX_FIELD_ERRORS = 20;
const MAX_POINTER = 200;

const escapeToken = (k: string): string => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** Pointers may carry member names the client chose: bounded in length (write.ts escapes the rest). */
const clip = (p: string): string => (p.length > MAX_POINTER ? p.slice(0, MAX_POINTER) + '…' : p);

/**
 * ajv errors as problem field errors. Messages are ajv's, which describe the rule (`must be integer`,
 * `must match format "email"`), never the offending value.
 */
export function fieldErrors(errors: readonly SchemaError[] | null | undefined, where: ProblemFieldError['in'], prefix: string): ProblemFieldError[] {
  if (errors == null) return [];
  const out: ProblemFieldError[] = [];
  for (const e of errors) {
    let pointer = prefix + e.instancePath;
    let keyword = e.keyword;
    let message = e.message ?? `fails "${e.keyword}"`;
    const params: Record<string, unknown> = e.params;
    if (e.keyword === 'required' && typeof params.missingProperty === 'string') {
      pointer += '/' + escapeToken(params.missingProperty);
      message = 'is required';
    } else if ((e.keyword === 'additionalProperties' || e.keyword === 'unevaluatedProperties') && typeof params.additionalProperty === 'string') {
      pointer += '/' + escapeToken(params.additionalProperty);
      message = 'is not a declared property';
    } else if (e.keyword === READ_ONLY_KEYWORD) {
      keyword = 'readOnly';
      message = 'is read-only';
    } else if (e.keyword === 'if') continue; // the failing branch's own errors say more
    out.push({ in: where, pointer: clip(pointer), message, keyword });
    if (out.length >= MAX_FIELD_ERRORS) break;
  }
  return out;
}
