import type { CheckDefinition } from '../check.js';
import { authMissing } from './auth-missing.js';
import { bfla } from './bfla.js';
import { bolaRead } from './bola-read.js';
import { bolaWrite } from './bola-write.js';
import { commandInjection } from './command-injection.js';
import { cors } from './cors.js';
import { credentialsInQuery } from './credentials-in-query.js';
import { dataExposure } from './data-exposure.js';
import { flowAutomation } from './flow-automation.js';
import { inventory } from './inventory.js';
import { jwtForgery } from './jwt-forgery.js';
import { jwtWeakSecret } from './jwt-weak-secret.js';
import { loginNoLimit } from './login-no-limit.js';
import { massAssignment } from './mass-assignment.js';
import { methodSwitching } from './method-switching.js';
import { nosqlInjection } from './nosql-injection.js';
import { noRateLimit } from './no-rate-limit.js';
import { oversizedPayload } from './oversized-payload.js';
import { pageSizeUncapped } from './page-size-uncapped.js';
import { pathTraversal } from './path-traversal.js';
import { redos } from './redos.js';
import { redirectFollowing } from './redirect-following.js';
import { reflectedXss } from './reflected-xss.js';
import { schemaConformance } from './schema-conformance.js';
import { securityHeaders } from './security-headers.js';
import { serverError } from './server-error.js';
import { sqlInjection } from './sql-injection.js';
import { ssrf } from './ssrf.js';
import { traceEnabled } from './trace-enabled.js';
import { undeclaredProperties } from './undeclared-properties.js';
import { userEnumeration } from './user-enumeration.js';
import { verboseErrors } from './verbose-errors.js';
import { versionDisclosure } from './version-disclosure.js';

/**
 * Every check, in the order they run. Reads first; checks that change data next (bola-write deletes only objects
 * the scan created); bursts and login guessing last, so a lock-out they trigger cannot hide other findings.
 */
export const CHECKS: readonly CheckDefinition[] = [
  // reads and document checks
  credentialsInQuery,
  authMissing,
  jwtWeakSecret,
  jwtForgery,
  bolaRead,
  bfla,
  dataExposure,
  undeclaredProperties,
  securityHeaders,
  cors,
  versionDisclosure,
  traceEnabled,
  inventory,
  verboseErrors,
  schemaConformance,
  serverError,
  sqlInjection,
  nosqlInjection,
  pathTraversal,
  reflectedXss,
  ssrf,
  redirectFollowing,
  commandInjection,
  redos,
  pageSizeUncapped,
  // writes (--destructive)
  massAssignment,
  bolaWrite,
  methodSwitching,
  oversizedPayload,
  // bursts and login guessing
  flowAutomation,
  userEnumeration,
  noRateLimit,
  loginNoLimit,
];
