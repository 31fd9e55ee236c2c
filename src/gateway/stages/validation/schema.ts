import { Type, type Static } from '@sinclair/typebox';
import { DEFAULT_JSON_LIMITS } from '../../../core/json/limits.js';

const Count = (def: number, max: number, description: string) => Type.Integer({ minimum: 1, maximum: max, default: def, description });

const jsonLimitsSchema = Type.Object(
  {
    maxDepth: Count(DEFAULT_JSON_LIMITS.maxDepth, 1000, 'Deepest nesting of objects and arrays.'),
    maxKeys: Count(DEFAULT_JSON_LIMITS.maxKeys, 100_000, 'Most members in one object.'),
    maxArrayLength: Count(DEFAULT_JSON_LIMITS.maxArrayLength, 10_000_000, 'Most elements in one array.'),
    maxStringLength: Count(DEFAULT_JSON_LIMITS.maxStringLength, 100_000_000, 'Longest string or member name (UTF-16 units).'),
    maxNumberLength: Count(DEFAULT_JSON_LIMITS.maxNumberLength, 1000, 'Longest number literal; literals overflowing a double are always refused.'),
  },
  { additionalProperties: false, default: {}, description: 'JSON threat protection, checked before the body is parsed.' },
);

const sanitiseSchema = Type.Object(
  {
    trim: Type.Boolean({ default: false, description: 'Trim white space around string values.' }),
    normalize: Type.Boolean({ default: false, description: 'Unicode NFC normalisation of string values.' }),
    stripControl: Type.Boolean({ default: false, description: 'Remove NUL and other control characters (tab, CR and LF are kept).' }),
    html: Type.Union([Type.Literal('none'), Type.Literal('escape'), Type.Literal('strip')], {
      default: 'none',
      description: 'escape: & < > " \' become entities; strip: tags removed.',
    }),
  },
  { additionalProperties: false, default: {}, description: 'Rewrite string leaves of JSON and form bodies; the upstream gets the result.' },
);

const responsesSchema = Type.Object(
  {
    validate: Type.Boolean({ default: false, description: 'Validate JSON responses against the documented schema; mismatches are logged.' }),
    stripUndeclared: Type.Boolean({ default: false, description: 'Remove properties the response schema does not declare.' }),
    sensitive: Type.Union([Type.Literal('off'), Type.Literal('redact'), Type.Literal('block')], {
      default: 'off',
      description: 'Responses carrying writeOnly or x-rampart-sensitive properties: remove them (redact) or answer 502 (block).',
    }),
    exposeSensitive: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'operationIds whose responses may carry x-rampart-sensitive properties (a login returning its token).',
    }),
    maxBytes: Type.Integer({ minimum: 1024, default: 4_194_304, description: 'Larger responses are passed on uninspected (and logged).' }),
  },
  { additionalProperties: false, default: {} },
);

export const validationSchema = Type.Object(
  {
    openapi: Type.String({ minLength: 1, description: 'The OpenAPI 3.0/3.1 (or Swagger 2.0) document, relative to the config file.' }),
    mode: Type.Union([Type.Literal('strict'), Type.Literal('learning')], {
      default: 'strict',
      description: 'strict: undocumented operations are 404 and violations 400; learning: both are only logged.',
    }),
    basePath: Type.Optional(Type.String({ pattern: '^/', description: 'Prefix removed before matching the document paths (default: the route stripPrefix, else the first server URL path).' })),
    unknownProperties: Type.Union([Type.Literal('reject'), Type.Literal('strip'), Type.Literal('allow')], {
      default: 'reject',
      description: 'Body properties the schema does not declare (mass assignment); an operation may override with x-rampart-unknown-properties.',
    }),
    unknownParameters: Type.Union([Type.Literal('reject'), Type.Literal('ignore')], { default: 'reject', description: 'Query parameters the operation does not declare.' }),
    json: jsonLimitsSchema,
    sanitise: sanitiseSchema,
    multipart: Type.Object(
      {
        maxParts: Count(32, 10_000, 'Most parts in a multipart body.'),
        maxPartBytes: Count(1_048_576, 1_073_741_824, 'Largest part (413 beyond).'),
      },
      { additionalProperties: false, default: {} },
    ),
    responses: responsesSchema,
  },
  { additionalProperties: false, description: 'Hold requests (and optionally responses) to an OpenAPI document.' },
);

export type ValidationConfig = Static<typeof validationSchema>;
export const validationRouteEntry = Type.Optional(validationSchema);
