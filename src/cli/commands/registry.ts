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

/** Every CLI verb, in the order `rampart --help` lists them. */
export const COMMANDS: readonly Command[] = [serveCommand, validateCommand, demoCommand];
