/**
 * Path templates: `/users/{id}/orders`, and a trailing `/**` that matches any rest of the path (including none).
 * A parameter is a whole segment; names are identifiers.
 */
export type TemplateSegment =
  | { readonly kind: 'static'; readonly value: string }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'rest' };

export type ParsedTemplate = { readonly ok: true; readonly segments: readonly TemplateSegment[] } | { readonly ok: false; readonly error: string };

export function parsePathTemplate(template: string): ParsedTemplate {
  if (!template.startsWith('/')) return { ok: false, error: 'must start with "/"' };
  const parts = template === '/' ? [] : template.slice(1).split('/');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop(); // a trailing slash is not significant
  const segments: TemplateSegment[] = [];
  const names = new Set<string>();
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] ?? '';
    if (p === '**') {
      if (i !== parts.length - 1) return { ok: false, error: '"**" may only end a template' };
      segments.push({ kind: 'rest' });
    } else if (p.startsWith('{') && p.endsWith('}')) {
      const name = p.slice(1, -1);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return { ok: false, error: `invalid parameter name "${name}"` };
      if (names.has(name)) return { ok: false, error: `parameter "${name}" appears twice` };
      names.add(name);
      segments.push({ kind: 'param', name });
    } else if (p === '') {
      return { ok: false, error: 'empty segment ("//")' };
    } else if (/[{}]/.test(p)) {
      return { ok: false, error: `a parameter must be a whole segment: "${p}"` };
    } else if (p === '.' || p === '..') {
      return { ok: false, error: 'dot segments are not allowed in templates' };
    } else {
      segments.push({ kind: 'static', value: p });
    }
  }
  return { ok: true, segments };
}
