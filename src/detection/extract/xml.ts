/**
 * The leaves of an XML document: text nodes and attribute values (with their element path), without
 * resolving anything: entities are the attack surface, never expanded here. A tolerant scanner, not a
 * validating parser: malformed XML still yields its text.
 */
export interface XmlLeaf {
  readonly path: string;
  readonly value: string;
  readonly attribute: boolean;
  /** True for an attribute name (a key, not a value). */
  readonly name?: boolean;
}

export function xmlLeaves(doc: string, max: number): XmlLeaf[] {
  const out: XmlLeaf[] = [];
  const stack: string[] = [];
  let i = 0;
  while (i < doc.length && out.length < max) {
    const lt = doc.indexOf('<', i);
    const text = (lt === -1 ? doc.slice(i) : doc.slice(i, lt)).trim();
    if (text !== '') out.push({ path: '/' + stack.join('/'), value: text, attribute: false });
    if (lt === -1) break;
    if (doc.startsWith('<!--', lt)) {
      const end = doc.indexOf('-->', lt + 4);
      i = end === -1 ? doc.length : end + 3;
      continue;
    }
    if (doc.startsWith('<![CDATA[', lt)) {
      const end = doc.indexOf(']]>', lt + 9);
      out.push({ path: '/' + stack.join('/'), value: doc.slice(lt + 9, end === -1 ? doc.length : end), attribute: false });
      i = end === -1 ? doc.length : end + 3;
      continue;
    }
    const gt = doc.indexOf('>', lt + 1);
    if (gt === -1) {
      out.push({ path: '/' + stack.join('/'), value: doc.slice(lt), attribute: false });
      break;
    }
    const tag = doc.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('?') || tag.startsWith('!')) continue;
    if (tag.startsWith('/')) {
      stack.pop();
      continue;
    }
    const selfClosing = tag.endsWith('/');
    let n = 0;
    while (n < tag.length && !isSpace(tag.charCodeAt(n)) && tag[n] !== '/') n++;
    const name = tag.slice(0, n);
    attributes(tag, n, (k, v) => {
      if (out.length >= max) return;
      const path = '/' + [...stack, name].join('/') + '/@' + k;
      if (k.length > 2) out.push({ path, value: k, attribute: true, name: true });
      if (v !== '') out.push({ path, value: v, attribute: true });
    });
    if (!selfClosing && stack.length < 64) stack.push(name);
  }
  return out;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function attributes(tag: string, from: number, each: (name: string, value: string) => void): void {
  let i = from;
  while (i < tag.length) {
    while (i < tag.length && (isSpace(tag.charCodeAt(i)) || tag[i] === '/')) i++;
    const start = i;
    while (i < tag.length && tag[i] !== '=' && !isSpace(tag.charCodeAt(i))) i++;
    const name = tag.slice(start, i);
    while (i < tag.length && isSpace(tag.charCodeAt(i))) i++;
    if (tag[i] !== '=') {
      if (name !== '') each(name, '');
      continue;
    }
    i++;
    while (i < tag.length && isSpace(tag.charCodeAt(i))) i++;
    const q = tag[i];
    let value: string;
    if (q === '"' || q === "'") {
      const end = tag.indexOf(q, i + 1);
      value = tag.slice(i + 1, end === -1 ? tag.length : end);
      i = end === -1 ? tag.length : end + 1;
    } else {
      const s = i;
      while (i < tag.length && !isSpace(tag.charCodeAt(i))) i++;
      value = tag.slice(s, i);
    }
    each(name, value);
  }
}
