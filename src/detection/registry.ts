import { cmdiDetector } from './detectors/cmdi.js';
import { deserializationDetector } from './detectors/deserialization.js';
import { javaDetector } from './detectors/java.js';
import { jsDetector } from './detectors/js.js';
import { crlfDetector, csvDetector, jndiDetector, ldapDetector, prototypeDetector, ssiDetector, sstiDetector, xpathDetector, xxeDetector } from './detectors/misc.js';
import { nosqlDetector } from './detectors/nosql.js';
import { phpDetector } from './detectors/php.js';
import { nulDetector, protocolDetector, scannerDetector, sessionDetector } from './detectors/protocol.js';
import { sqliDetector } from './detectors/sqli.js';
import { ssrfDetector } from './detectors/ssrf.js';
import { traversalDetector } from './detectors/traversal.js';
import { xssDetector } from './detectors/xss.js';
import type { RequestDetector, ValueDetector } from './rule.js';

/** Every detector, listed explicitly (a test holds each rule to a category and a documented reason). */
export const VALUE_DETECTORS: readonly ValueDetector[] = [
  sqliDetector,
  xssDetector,
  cmdiDetector,
  traversalDetector,
  ssrfDetector,
  nosqlDetector,
  ldapDetector,
  xpathDetector,
  xxeDetector,
  sstiDetector,
  jndiDetector,
  crlfDetector,
  ssiDetector,
  prototypeDetector,
  javaDetector,
  phpDetector,
  jsDetector,
  deserializationDetector,
  csvDetector,
  nulDetector,
];

export const REQUEST_DETECTORS: readonly RequestDetector[] = [protocolDetector, scannerDetector, sessionDetector];
