import { Type, type Static } from '@sinclair/typebox';

const headersSchema = Type.Object(
  {
    nosniff: Type.Boolean({ default: true, description: 'X-Content-Type-Options: nosniff.' }),
    frameOptions: Type.Union([Type.Literal('DENY'), Type.Literal('SAMEORIGIN'), Type.Literal('off')], {
      default: 'DENY',
      description: "X-Frame-Options, and CSP frame-ancestors 'none'/'self' when the upstream sent no Content-Security-Policy.",
    }),
    hstsMaxAge: Type.Integer({ minimum: 0, default: 0, description: 'Strict-Transport-Security max-age in seconds; 0 (default) sends none. Opt in only behind HTTPS.' }),
    hstsIncludeSubDomains: Type.Boolean({ default: false }),
    hstsPreload: Type.Boolean({ default: false }),
    referrerPolicy: Type.Union(
      ['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin', 'origin', 'no-referrer-when-downgrade', 'off'].map((v) => Type.Literal(v)),
      { default: 'no-referrer' },
    ),
    noStoreOnErrors: Type.Boolean({ default: true, description: 'Cache-Control: no-store on 4xx and 5xx responses.' }),
    set: Type.Record(Type.String({ pattern: '^[A-Za-z0-9!#$%&\'*+.^_`|~-]+$' }), Type.String(), { default: {}, description: 'Extra headers set on every response.' }),
    remove: Type.Array(Type.String({ minLength: 1 }), {
      default: ['server', 'x-powered-by', 'x-aspnet-version', 'x-aspnetmvc-version', 'x-generator', 'x-runtime'],
      description: 'Headers that reveal the stack, removed from upstream responses.',
    }),
  },
  { additionalProperties: false, default: {} },
);

export const responseProtectionSchema = Type.Object(
  {
    headers: headersSchema,
    errorBodies: Type.Union([Type.Literal('scan'), Type.Literal('replace'), Type.Literal('off')], {
      default: 'scan',
      description:
        'scan: 4xx/5xx bodies showing a stack trace or an SQL error become a problem with the request id (buffers responses); replace: every upstream 5xx body does (no buffering); off.',
    }),
    sensitiveFields: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'JSON member names (case, "_" and "-" ignored) never sent to clients: password, password_hash, secret... Read in JSON responses, and in any non-HTML, non-XML response whose body opens an object or array (clients parse those whatever the Content-Type). Buffers responses.',
    }),
    sensitiveAction: Type.Union([Type.Literal('remove'), Type.Literal('mask')], { default: 'remove', description: 'remove the member, or mask its value as "[redacted]".' }),
    maxScanBytes: Type.Integer({ minimum: 1024, default: 4_194_304, description: 'Larger bodies are not scanned (logged).' }),
  },
  { additionalProperties: false, description: 'Security headers and leak filtering on the way back to the client.' },
);

export type ResponseProtectionConfig = Static<typeof responseProtectionSchema>;
export const responseProtectionRouteEntry = Type.Optional(responseProtectionSchema);
