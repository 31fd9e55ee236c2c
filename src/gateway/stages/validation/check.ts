import { loadOpenApi, OpenApiLoadError } from '../../../core/openapi/load.js';
import { serverBasePath } from '../../../core/openapi/operations.js';
import { withValidationDefaults } from './defaults.js';
import { compileDocument } from './validation.js';

/** What the validation stage makes of a document: for a `rampart openapi check FILE` CLI verb. */
export interface OpenApiCheckReport {
  readonly file: string;
  readonly ok: boolean;
  readonly version?: string;
  readonly basePath?: string;
  /** `GET /users/{id}` ... */
  readonly operations: readonly string[];
  /** Keywords and formats that will not be checked, $refs that could not be resolved. */
  readonly warnings: readonly string[];
  /** Why the document cannot be used (not loadable, a schema ajv refuses). */
  readonly error?: string;
}

/** Load and compile `file` exactly as the validation stage would; never throws. */
export async function checkOpenApiDocument(file: string): Promise<OpenApiCheckReport> {
  try {
    const loaded = await loadOpenApi(file);
    const warnings = new Set<string>();
    const doc = compileDocument(loaded, withValidationDefaults({ openapi: file, responses: { validate: true } }), (m) => warnings.add(m));
    return { file, ok: true, version: loaded.version, basePath: serverBasePath(loaded), operations: [...doc.byId.keys()], warnings: [...warnings] };
  } catch (err) {
    const message = err instanceof OpenApiLoadError ? err.message : `cannot compile: ${err instanceof Error ? err.message : String(err)}`;
    return { file, ok: false, operations: [], warnings: [], error: message };
  }
}

/** The report as CLI text. */
export function formatOpenApiReport(r: OpenApiCheckReport): string {
  if (!r.ok) return `${r.file}: ${r.error ?? 'unusable'}\n`;
  const lines = [`${r.file}: OpenAPI ${r.version ?? '?'}, base path "${r.basePath ?? ''}", ${r.operations.length} operation${r.operations.length === 1 ? '' : 's'}`];
  for (const op of r.operations) lines.push(`  ${op}`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n') + '\n';
}
