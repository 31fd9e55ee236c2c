import { readFile } from 'node:fs/promises';
import { dereference } from '@readme/openapi-parser';
import { parse as parseYaml } from 'yaml';

/** A dereferenced OpenAPI document (3.0, 3.1, or Swagger 2.0) and which one it is. */
export interface LoadedOpenApi {
  readonly version: '2.0' | '3.0' | '3.1';
  /** Fully dereferenced: no `$ref` left except circular ones. */
  readonly document: Readonly<Record<string, unknown>>;
  readonly source: string;
}

export class OpenApiLoadError extends Error {
  readonly code = 'ERR_RAMPART_OPENAPI';
}

/**
 * Load an OpenAPI document from a file path (YAML or JSON), resolving local and file `$ref`s. Remote refs are
 * not fetched: a spec is config, and config must not make the gateway call out.
 */
export async function loadOpenApi(source: string): Promise<LoadedOpenApi> {
  let raw: unknown;
  try {
    raw = parseYaml(await readFile(source, 'utf8'), { maxAliasCount: 100 });
  } catch (err) {
    throw new OpenApiLoadError(`cannot read OpenAPI document ${source}: ${(err as Error).message}`);
  }
  return loadOpenApiObject(raw, source, source);
}

export async function loadOpenApiObject(raw: unknown, source: string, path?: string): Promise<LoadedOpenApi> {
  if (typeof raw !== 'object' || raw === null) throw new OpenApiLoadError(`${source}: not an OpenAPI document`);
  const r = raw as Record<string, unknown>;
  const version = typeof r.openapi === 'string' ? (r.openapi.startsWith('3.1') ? '3.1' : r.openapi.startsWith('3.0') ? '3.0' : undefined) : r.swagger === '2.0' ? '2.0' : undefined;
  if (version === undefined) throw new OpenApiLoadError(`${source}: no "openapi: 3.x" or "swagger: 2.0" field`);
  try {
    // Given the path, the parser resolves relative file refs against it; structuredClone keeps a caller's object intact.
    const document = (await dereference((path ?? structuredClone(r)) as never, {
      resolve: { external: true, http: false } as never,
      dereference: { circular: 'ignore' },
    })) as unknown as Record<string, unknown>;
    return { version, document, source };
  } catch (err) {
    throw new OpenApiLoadError(`${source}: ${(err as Error).message}`);
  }
}
