/**
 * `${VAR}` and `${VAR:-default}` substitution inside YAML scalar values (never in raw text, so a variable cannot
 * inject YAML structure). `$${` escapes a literal `${`.
 */
const REF = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface SubstitutionResult {
  readonly value: string;
  /** Variables referenced without a default and not set. */
  readonly missing: readonly string[];
}

export function substituteEnv(text: string, env: Readonly<Record<string, string | undefined>>): SubstitutionResult {
  const missing: string[] = [];
  const value = text.replace(REF, (whole, name: string | undefined, def: string | undefined) => {
    if (name === undefined) return '${';
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (def !== undefined) return def;
    missing.push(name);
    return '';
  });
  return { value, missing };
}

/** True when the whole string is exactly one reference, e.g. `${PORT:-8080}`. */
export function isSingleReference(text: string): boolean {
  return /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/.test(text);
}
