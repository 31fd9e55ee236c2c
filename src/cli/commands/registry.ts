/** Exit codes, documented in the README and in `rampart --help`. */
export const EXIT = { ok: 0, failure: 1, usage: 2, /** the command keeps the process alive (serve, demo) */ running: -1 } as const;

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(argv: string[]): Promise<number>;
}

import { serveCommand } from './serve.js';
import { validateCommand } from './validate.js';
import { demoCommand } from './demo.js';
import { inspectCommand, INSPECT_USAGE } from './inspect.js';
import { scanCommand, SCAN_USAGE } from './scan.js';
import { keysCommand, KEYS_USAGE } from './keys.js';
import { openapiCommand } from './openapi.js';

/** Every CLI verb, in the order `rampart --help` lists them. */
export const COMMANDS: readonly Command[] = [
  serveCommand,
  validateCommand,
  demoCommand,
  { name: 'scan', summary: 'probe a running API for the OWASP API Top 10, with evidence', usage: SCAN_USAGE, run: (argv) => scanCommand(argv) },
  { name: 'inspect', summary: 'run attack detection on one request and explain the verdict', usage: INSPECT_USAGE, run: (argv) => inspectCommand(argv) },
  { name: 'keys', summary: 'create, list and revoke API keys', usage: KEYS_USAGE, run: (argv) => keysCommand(argv) },
  openapiCommand,
];
