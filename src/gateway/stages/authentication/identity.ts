import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from '../../pipeline/types.js';
import { foldHeaderName } from './config.js';
import type { AuthConfig } from './schema.js';

type IdentityField = keyof AuthConfig['identityHeaders'];

/** Header values must be visible ASCII: anything else (a JWT subject may hold anything) is percent-encoded. */
const headerSafe = (s: string): string => (/^[\x20-\x7e]*$/.test(s) ? s : encodeURIComponent(s));

/**
 * Identity headers to the upstream, and removal of client-sent copies. A client must not be able to send
 * `X-Rampart-Subject: admin` (or `x_rampart_subject`, `X.Rampart.Subject`, `X-RAMPART-SUBJECT`) and have the
 * upstream believe it: every header whose folded name equals a configured one is dropped, on every route.
 */
export class IdentityHeaders {
  readonly #fields: readonly (readonly [IdentityField, string])[];
  readonly #exact: readonly string[];
  readonly #folded: ReadonlySet<string>;

  constructor(config: AuthConfig['identityHeaders']) {
    const fields: [IdentityField, string][] = [];
    for (const [k, v] of Object.entries(config)) {
      if (typeof v === 'string' && isIdentityField(k)) fields.push([k, v.toLowerCase()]);
    }
    this.#fields = fields;
    this.#exact = fields.map(([, h]) => h);
    this.#folded = new Set(fields.map(([, h]) => foldHeaderName(h)));
  }

  get names(): readonly string[] {
    return this.#exact;
  }

  /** Names of the client's headers to drop: the configured ones plus any variant spelling present. */
  spoofed(headers: IncomingHttpHeaders): readonly string[] {
    if (this.#exact.length === 0) return this.#exact;
    let out: string[] | undefined;
    for (const name of Object.keys(headers)) {
      if ((name.includes('_') || name.includes('.')) && this.#folded.has(foldHeaderName(name))) (out ??= [...this.#exact]).push(name);
    }
    return out ?? this.#exact;
  }

  /** The headers that tell the upstream who called. */
  forPrincipal(p: Principal): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [field, header] of this.#fields) {
      const v = valueOf(p, field);
      if (v !== undefined && v !== '') out[header] = headerSafe(v);
    }
    return out;
  }
}

function isIdentityField(k: string): k is IdentityField {
  return k === 'subject' || k === 'consumer' || k === 'scopes' || k === 'roles' || k === 'groups' || k === 'method';
}

function valueOf(p: Principal, f: IdentityField): string | undefined {
  switch (f) {
    case 'subject':
      return p.subject;
    case 'consumer':
      return p.consumer;
    case 'scopes':
      return p.scopes.join(' ');
    case 'roles':
      return p.roles.join(' ');
    case 'groups':
      return p.groups.join(' ');
    case 'method':
      return p.method;
  }
}
