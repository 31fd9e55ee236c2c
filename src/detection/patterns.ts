/**
 * Every regular expression the engine uses is made here, so the ReDoS test (patterns.test.ts) can check each one
 * with `recheck`. Patterns are compiled once, at module load.
 */
const registry: RegExp[] = [];

export function re(source: string, flags = ''): RegExp {
  const r = new RegExp(source, flags);
  registry.push(r);
  return r;
}

/** All patterns made so far (the test imports the whole engine first). */
export function registeredPatterns(): readonly RegExp[] {
  return registry;
}
