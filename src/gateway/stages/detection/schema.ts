import { Type, type Static } from '@sinclair/typebox';

const exclusionSchema = Type.Object(
  {
    location: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Input location: `query:q`, `query-key:q`, `body:/comment` (JSON pointer), `body:field` (form), `header:referer`, `cookie:sid`, `path`; a trailing `*` matches any rest (`body:/posts/*`).',
      }),
    ),
    detector: Type.Optional(Type.String({ minLength: 1, description: 'Detector (`xss`, `sqli`...) or rule id (`xss.script-tag`); all detectors when absent.' })),
  },
  { additionalProperties: false, description: 'Do not report these findings (a rich-text field that may carry HTML, say).' },
);

export const detectionSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    mode: Type.Union([Type.Literal('block'), Type.Literal('detect')], {
      default: 'block',
      description: 'block: answer 403 attack-detected at the threshold; detect: log the verdict and pass the request on.',
    }),
    paranoia: Type.Integer({ minimum: 1, maximum: 4, default: 2, description: 'Rules above this level do not run: higher finds more and passes fewer odd-but-benign requests.' }),
    threshold: Type.Integer({ minimum: 1, maximum: 1000, default: 5, description: 'Anomaly score at which a request is blocked (one strong finding scores 5).' }),
    exclusions: Type.Array(exclusionSchema, { default: [] }),
    maxInspectBytes: Type.Integer({ minimum: 1024, maximum: 16_777_216, default: 65_536, description: 'Most input bytes (path, query, headers, body leaves) inspected per request.' }),
    overLimit: Type.Union([Type.Literal('inspect-prefix'), Type.Literal('block')], {
      default: 'inspect-prefix',
      description: 'Past maxInspectBytes: decide on the inspected part (inspect-prefix), or answer 413 (block).',
    }),
  },
  { additionalProperties: false, description: 'Attack detection (injection, XSS, traversal, SSRF...): see docs/status/detection.md.' },
);

export type DetectionConfig = Static<typeof detectionSchema>;
export const detectionRouteEntry = Type.Optional(detectionSchema);
