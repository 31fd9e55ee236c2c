import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { READ_ONLY_KEYWORD, type JsonSchema } from './schema.js';

// Adapter: ajv-formats is CommonJS; its default export is the plugin function under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020, options: { mode: 'full' }) => Ajv2020;

/** Formats checked by the validators: ajv-formats' full set, which includes OpenAPI's int32/int64/byte... */
export const KNOWN_FORMATS: ReadonlySet<string> = new Set([
  'date', 'time', 'date-time', 'iso-time', 'iso-date-time', 'duration', 'uri', 'uri-reference', 'uri-template', 'url', 'email',
  'hostname', 'ipv4', 'ipv6', 'regex', 'uuid', 'json-pointer', 'json-pointer-uri-fragment', 'relative-json-pointer', 'byte', 'int32',
  'int64', 'float', 'double', 'password', 'binary',
]);

export type SchemaValidator = ValidateFunction;
export type SchemaError = ErrorObject;

/**
 * One ajv instance per document build (validators of one config share it; a reload drops it whole).
 * strict, all errors, full formats; `strictTypes` off because real documents often leave `type: object` implicit.
 */
export function createSchemaCompiler(): { compile(schema: JsonSchema): SchemaValidator } {
  const ajv = new Ajv2020({ strict: true, strictTypes: false, strictRequired: false, allowUnionTypes: true, allErrors: true, validateFormats: true });
  addFormats(ajv, { mode: 'full' });
  ajv.addKeyword({ keyword: READ_ONLY_KEYWORD, schemaType: 'boolean', validate: (on: boolean) => !on, errors: false });
  return { compile: (schema) => ajv.compile(schema) };
}
