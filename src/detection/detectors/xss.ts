import { htmlTags, urlScheme, type HtmlTag } from '../lexers/html.js';
import { countWords } from '../lexers/markdown.js';
import { M } from '../normalize/charmask.js';
import type { View } from '../normalize/views.js';
import { re } from '../patterns.js';
import { excerpt, rule, type Emitter, type Item, type ValueDetector } from '../rule.js';

/**
 * Cross-site scripting, read with an HTML tokenizer: script elements, event-handler attributes, script URLs,
 * active elements (frames, objects, SVG/MathML), CSS expressions, attribute breakouts, and JavaScript sinks.
 */
const R = {
  scriptTag: rule('xss', 'xss.script-tag', 1, 5, '<script> element'),
  eventHandler: rule('xss', 'xss.event-handler', 1, 5, 'event-handler attribute on an element'),
  scriptUrl: rule('xss', 'xss.script-url', 1, 5, 'javascript:, vbscript: or data:text/html URL'),
  activeElement: rule('xss', 'xss.active-element', 1, 5, 'element that loads or runs active content'),
  styleExpression: rule('xss', 'xss.css-expression', 1, 5, 'CSS expression(), script URL or @import in a style'),
  attributeBreakout: rule('xss', 'xss.attribute-breakout', 1, 5, 'closes an attribute value and adds an event handler'),
  markupElement: rule('xss', 'xss.markup-element', 2, 3, 'element that can carry active content'),
  jsSink: rule('xss', 'xss.js-sink', 1, 3, 'JavaScript dialog or timer call'),
  jsSinkParanoid: rule('xss', 'xss.js-sink-pl2', 2, 2, 'JavaScript dialog or timer call (paranoia 2 adds to its score)'),
  domSink: rule('xss', 'xss.dom-sink', 1, 5, 'JavaScript DOM sink (document.cookie, document.write, location, innerHTML, eval)'),
  spacedTag: rule('xss', 'xss.spaced-tag', 1, 5, 'active element name written with spaces or a namespace prefix (parser quirk evasion)'),
  jsFuck: rule('xss', 'xss.jsfuck', 1, 5, 'JavaScript written with []()!+ only (JSFuck)'),
  templateExpression: rule('xss', 'xss.template-expression', 2, 3, 'client-side template expression'),
};

const ACTIVE = new Set(['link', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'isindex', 'xss', 'script', 'svg', 'math', 'vmlframe', 'import', 'xml', 'bgsound', 'layer', 'ilayer']);
const MARKUP = new Set(['img', 'image', 'meta', 'link', 'style', 'form', 'input', 'button', 'body', 'html', 'template', 'video', 'audio', 'source', 'marquee', 'details', 'select', 'textarea', 'keygen', 'table', 'td', 'div', 'a', 'animate', 'set', 'foreignobject', 'title', 'noscript', 'iframe', 'base', 'object', 'embed', 'portal', 'x', 'var', 'span', 'p', 'b', 'i', 'u', 'svg', 'math', 'xmp', 'plaintext', 'listing', 'applet']);
const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'background', 'poster', 'lowsrc', 'dynsrc', 'code', 'codebase', 'srcdoc', 'values', 'from', 'to', 'by', 'content', 'ping', 'icon', 'manifest', 'archive', 'longdesc', 'usemap', 'profile', 'cite', 'classid']);
const SCRIPT_SCHEMES = new Set(['javascript', 'vbscript', 'livescript', 'mocha', 'jscript']);
const EVENT = re('(?:^|[\\s"\'`/;,+])on(?:[a-z]{3,30})\\s{0,16}=', 'i');
const BREAKOUT = re('["\'`]\\s{0,16}[/\\s>]{0,4}(?:on[a-z]{3,30}|style|src|href|formaction|autofocus)\\s{0,16}=', 'i');
const SINK = re('(?:\\b(?:alert|prompt|confirm|eval|settimeout|setinterval|execscript|fromcharcode|atob)\\s{0,8}[(`]|document\\s{0,16}\\.\\s{0,16}(?:cookie|write|domain|location|createelement|body\\s{0,4}\\.\\s{0,4}appendchild)|\\.\\s{0,4}(?:appendchild|insertadjacenthtml)\\s{0,4}\\(|\\b(?:self|window|top|parent|globalthis|frames)\\s{0,4}(?:\\.\\s{0,4}(?:alert|prompt|confirm|eval|document|location)\\b|\\[\\s{0,4}["\'`])|\\.\\s{0,4}(?:call|apply|bind)\\s{0,4}`|window\\s{0,4}\\.\\s{0,4}(?:location|open|name)|\\.innerhtml\\b|\\.outerhtml\\b|\\blocation\\s{0,4}\\.\\s{0,4}(?:href|hash|replace))', 'i');
const CSS_EXPR = re('expression\\s{0,16}\\(|url\\s{0,16}\\(\\s{0,16}["\']?\\s{0,16}(?:javascript|vbscript)\\s{0,4}(?::|$)|-moz-binding|behavior\\s{0,16}:\\s{0,16}url\\s{0,8}\\(', 'i');
/** A style element that imports a style sheet from elsewhere (CSS injection reads the page through selectors). */
const STYLE_IMPORT = re('<style\\b[^>]{0,200}>[^<]{0,200}@import\\b', 'i');
const STYLESHEET_PI = re('<\\?\\s{0,4}(?:xml|xsl)-stylesheet\\b[^>]{0,200}\\bhref\\s{0,4}=');
const TEMPLATE = re('\\{\\{[^{}]{0,200}(?:constructor|\\$on|\\$eval|alert|\\$emit|\\[\\s{0,4}["\']|=>|\\(\\s{0,4}\\))', 'i');

/** DOM event handler names (HTML Living Standard §8.1.8.2 plus common vendor ones). */
const EVENTS = new Set(
  ('abort afterprint animationend animationiteration animationstart auxclick beforecopy beforecut beforeinput beforepaste beforeprint beforeunload blur ' +
    'cancel canplay canplaythrough change click close contextmenu copy cuechange cut dblclick drag dragend dragenter dragleave dragover dragstart drop ' +
    'durationchange emptied ended error focus focusin focusout formdata fullscreenchange hashchange input invalid keydown keypress keyup load loadeddata ' +
    'loadedmetadata loadend loadstart message mousedown mouseenter mouseleave mousemove mouseout mouseover mouseup mousewheel offline online pagehide ' +
    'pageshow paste pause play playing pointerdown pointerenter pointerleave pointermove pointerout pointerover pointerup popstate progress ratechange ' +
    'readystatechange repeat reset resize scroll scrollend search seeked seeking select selectionchange selectstart show stalled storage submit suspend ' +
    'timeupdate toggle touchend touchmove touchstart transitioncancel transitionend transitionrun transitionstart unload volumechange waiting wheel ' +
    'begin end activate afterupdate beforeactivate beforeupdate bounce datasetchanged dataavailable errorupdate filterchange finish help losecapture ' +
    'move moveend movestart propertychange rowenter rowexit rowsdelete rowsinserted start stop webkitanimationend webkittransitionend ' +
    'webkitanimationiteration webkitanimationstart webkitplaybacktargetavailabilitychanged webkitmouseforcedown webkitmouseforceup ' +
    'webkitmouseforcechanged webkitmouseforcewillbegin webkitwillrevealbottom webkitfullscreenchange pointerrawupdate gotpointercapture ' +
    'lostpointercapture pointercancel animationcancel beforetoggle beforematch securitypolicyviolation slotchange visibilitychange ' +
    'contentvisibilityautostatechange afterscriptexecute beforescriptexecute mozfullscreenchange orientationchange devicemotion ' +
    'deviceorientation compositionstart compositionupdate compositionend textinput domcontentloaded domactivate domfocusin domfocusout ' +
    'pagereveal pageswap scrollsnapchange scrollsnapchanging').split(' '),
);
const isEventName = (m: string) => {
  const at = m.toLowerCase().indexOf('on');
  let end = at + 2;
  while (end < m.length && (m.charCodeAt(end) | 0x20) >= 97 && (m.charCodeAt(end) | 0x20) <= 122) end++;
  return EVENTS.has(m.slice(at + 2, end).toLowerCase());
};
/** JSFuck-style code: only []()!+ characters. */
const isJsFuck = (s: string) => {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '[' || c === ']' || c === '(' || c === ')' || c === '!' || c === '+') n++;
    else if (c !== ' ') return false;
  }
  // Values come from ! and + applied to []: brackets and parentheses alone are punctuation.
  return n >= 4 && s.includes('[]') && (s.includes('!') || s.includes('+'));
};

export const xssDetector: ValueDetector = {
  name: 'xss',
  rules: Object.values(R),
  trigger: M.LT | M.COLON | M.EQ | M.PAREN | M.BRACE | M.BACKTICK | M.DOT | M.BRACKET,
  inspect(view: View, item: Item, out: Emitter): void {
    const s = view.text;
    const l = view.lower;
    if ((view.mask & M.LT) !== 0) {
      tags(s, htmlTags(s), out, view.via === 'base64');
      const sp = spacedTag(l);
      if (sp !== -1) out.emit(R.spacedTag, excerpt(s, sp));
      if (l.includes('<?import')) out.emit(R.activeElement, excerpt(s, l.indexOf('<?import')));
      // An XSLT style sheet for the document: the browser fetches it and runs what it builds (script included).
      const pi = l.includes('<?') ? STYLESHEET_PI.exec(l) : null;
      if (pi !== null) out.emit(R.activeElement, excerpt(s, pi.index));
    }
    if ((view.mask & M.COLON) !== 0) {
      const scheme = urlScheme(s);
      if (SCRIPT_SCHEMES.has(scheme) || (scheme === 'data' && /* data:text/html, data:image/svg+xml */ (l.includes('html') || l.includes('svg') || l.includes('script')))) {
        out.emit(R.scriptUrl, excerpt(s, 0));
      } else if ((view.mask & M.BRACKET) !== 0 && (view.mask & M.PAREN) !== 0) {
        // A markdown link's target is an href once rendered: `[a](javascript:alert(1))`.
        let n = 0;
        for (let i = s.indexOf(']('); i !== -1 && n++ < 8; i = s.indexOf('](', i + 2)) {
          if (SCRIPT_SCHEMES.has(urlScheme(s.slice(i + 2, i + 64)))) {
            out.emit(R.scriptUrl, excerpt(s, i));
            break;
          }
        }
      }
    }
    if ((view.mask & M.EQ) !== 0) {
      const b = BREAKOUT.exec(s);
      if (b !== null && !insideOwnTag(s, b.index)) out.emit(R.attributeBreakout, excerpt(s, b.index));
      else {
        const e = EVENT.exec(s);
        if (e !== null && isEventName(e[0])) out.emit((view.mask & (M.QUOTE | M.DQUOTE | M.LT | M.SLASH)) !== 0 || e.index === 0 || s.slice(0, e.index).trim() === '' ? R.attributeBreakout : R.markupElement, excerpt(s, e.index));
      }
    }
    if ((view.mask & M.BRACKET) !== 0 && isJsFuck(s)) out.emit(R.jsFuck, excerpt(s, 0, 40));
    // A sink is a call, a tagged template, an indexed access, or one of the DOM properties read bare.
    if ((view.mask & (M.PAREN | M.BACKTICK | M.BRACKET)) !== 0 || ((view.mask & M.DOT) !== 0 && (l.includes('document') || l.includes('location') || l.includes('innerhtml') || l.includes('outerhtml')))) {
      // JavaScript comments are whitespace: document/**/.cookie is document.cookie.
      const text = jsNormal(s);
      const k = SINK.exec(text);
      if (k !== null) {
        const strong = /* DOM sinks, not dialogs */ !['alert', 'prompt', 'confirm', 'settimeout', 'setinterval', 'atob'].some((d) => k[0].toLowerCase().startsWith(d));
        out.emit(strong ? R.domSink : R.jsSink, excerpt(text, k.index));
        if (!strong) out.emit(R.jsSinkParanoid, excerpt(text, k.index));
      }
    }
    if ((view.mask & M.PAREN) !== 0 || (view.mask & M.COLON) !== 0) {
      const c = CSS_EXPR.exec(s);
      if (c !== null) out.emit(R.styleExpression, excerpt(s, c.index));
    }
    if ((view.mask & M.LT) !== 0 && view.lower.includes('@import')) {
      const c = STYLE_IMPORT.exec(s);
      if (c !== null) out.emit(R.styleExpression, excerpt(s, c.index));
    }
    if ((view.mask & M.BRACE) !== 0) {
      const t = TEMPLATE.exec(s);
      if (t !== null) out.emit(R.templateExpression, excerpt(s, t.index));
    }
  },
};

const SPACED_NAMES = new Set(['script', 'form', 'iframe', 'frame', 'object', 'embed', 'applet', 'svg', 'math', 'image', 'style', 'meta', 'link', 'base', 'body', 'input', 'isindex', 'vmlframe', 'frameset', 'template']);

/** `< f o r m`, `< x: script`: an element name split by spaces or behind a namespace prefix. */
function spacedTag(l: string): number {
  let at = l.indexOf('<');
  while (at !== -1) {
    let name = '';
    let spaced = false;
    let i = at + 1;
    for (; i < l.length && i - at < 40; i++) {
      const c = l.charCodeAt(i);
      if (c >= 97 && c <= 122) {
        name += l[i];
        // Only a name that grew across a blank (or after one) is spaced: `<iframe src` is a tag and an attribute.
        if (SPACED_NAMES.has(name) && spaced) return at;
        continue;
      } else if (c === 32 || c === 9 || c === 10 || c === 13) {
        if (SPACED_NAMES.has(name)) break;
        spaced = spaced || name.length > 0 || i === at + 1;
      }
      else if (c === 58 && name.length <= 8) {
        // namespace prefix: drop it
        name = '';
        spaced = true;
      } else break;
    }
    at = l.indexOf('<', at + 1);
  }
  return -1;
}

/**
 * JavaScript property access read as the engine does: comments are whitespace, obj["name"] is obj.name,
 * (document) is document. `self["alert"](...)` then reads `self.alert(...)`.
 */
function jsNormal(s: string): string {
  const t = s.includes('/*') ? stripComments(s) : s;
  if (!t.includes('["') && !t.includes("['") && !t.includes('[`') && !t.includes('[ ') && !t.includes(').')) return t;
  let out = '';
  let i = 0;
  while (i < t.length) {
    const c = t[i];
    if (c === '[') {
      let j = i + 1;
      while (t[j] === ' ' || t[j] === '\t') j++;
      const q = t[j];
      if (q === '"' || q === "'" || q === '`') {
        const end = t.indexOf(q, j + 1);
        let k = end + 1;
        while (t[k] === ' ' || t[k] === '\t') k++;
        const name = end === -1 ? '' : t.slice(j + 1, end);
        if (end !== -1 && t[k] === ']' && name.length > 0 && name.length <= 32 && isIdentifier(name)) {
          out += '.' + name;
          i = k + 1;
          continue;
        }
      }
    } else if (c === '(') {
      const end = t.indexOf(')', i + 1);
      const inner = end === -1 ? '' : t.slice(i + 1, end).trim();
      if (end !== -1 && inner.length > 0 && inner.length <= 32 && isIdentifier(inner) && (t[end + 1] === '.' || t[end + 1] === '[')) {
        out += inner;
        i = end + 1;
        continue;
      }
    }
    out += c;
    i++;
  }
  return out;
}

function isIdentifier(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57 && i > 0) || c === 95 || c === 36)) return false;
  }
  return true;
}

function stripComments(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const a = s.indexOf('/*', i);
    if (a === -1) break;
    const b = s.indexOf('*/', a + 2);
    out += s.slice(i, a);
    i = b === -1 ? s.length : b + 2;
  }
  return out + s.slice(i);
}

function activeNamespace(uri: string): boolean {
  const u = uri.toLowerCase();
  return !(u.startsWith('urn:') || u.startsWith('http://') || u.startsWith('https://')) || ACTIVE_NAMESPACES.some((n) => u.includes(n));
}
const XHTML_CONTAINERS = new Set(['div', 'span', 'p', 'html', 'body', 'section', 'article', 'table', 'ul', 'ol', 'blockquote', 'pre']);
const ACTIVE_NAMESPACES = ['w3.org/1999/xhtml', 'w3.org/2000/svg', 'w3.org/1998/math/mathml', 'w3.org/1999/xsl/transform', 'microsoft-com:vml', 'microsoft-com:time'];

/**
 * The quote at `at` closes an attribute of a tag this value itself opened (`<link rel="x" href="...">`, full
 * HTML in a CMS field): the tag reader judges those attributes. A breakout closes an attribute the page opened.
 */
function insideOwnTag(s: string, at: number): boolean {
  const lt = s.lastIndexOf('<', at);
  return lt !== -1 && s.lastIndexOf('>', at) < lt;
}

function tags(s: string, list: HtmlTag[], out: Emitter, document: boolean): void {
  for (const t of list) {
    const frag = excerpt(s, t.start, t.end);
    if (t.name === 'script') {
      out.emit(t.attrs.length === 0 && !t.closing && proseFollows(s, t.end) ? R.markupElement : R.scriptTag, frag);
      continue;
    }
    if (t.closing) continue;
    let strong = false;
    for (const a of t.attrs) {
      // A namespace declaration in markup makes elements XML the page did not expect. In a base64 document (a SAML
      // response posted by a browser) only one that makes them HTML, SVG, MathML or XSLT, where script runs.
      // (`<div xmlns="http://www.w3.org/1999/xhtml">`, FHIR's narrative: an HTML element declared HTML, nothing new.)
      if ((a.name === 'xmlns' || a.name.startsWith('xmlns:')) && (!document || activeNamespace(a.value)) && !(a.name === 'xmlns' && XHTML_CONTAINERS.has(t.name) && a.value.trim().toLowerCase() === 'http://www.w3.org/1999/xhtml')) {
        out.emit(R.activeElement, frag);
        strong = true;
        continue;
      }
      if ((a.name.startsWith('on') && a.name.length > 4) || frameworkHandler(a.name)) {
        out.emit(R.eventHandler, frag);
        strong = true;
      } else if (URL_ATTRS.has(a.name) || a.name.endsWith(':href')) {
        const scheme = urlScheme(a.value);
        const lv = a.value.toLowerCase();
        if (SCRIPT_SCHEMES.has(scheme) || (scheme === 'data' && !lv.includes('image/png') && !lv.includes('image/jpeg') && !lv.includes('image/gif')) || a.name === 'srcdoc') {
          out.emit(R.scriptUrl, frag);
          strong = true;
        }
      } else if (a.name === 'style' && CSS_EXPR.test(a.value)) {
        out.emit(R.styleExpression, frag);
        strong = true;
      }
    }
    if (strong) continue;
    // An injected form posts what the user types (credentials) to another site, or, with no action, names fields
    // that clobber the page's globals (DOM clobbering). A form posting to a path of its own site is an example.
    const action = t.name === 'form' ? t.attrs.find((a) => a.name === 'action') : undefined;
    if (t.name === 'form' && (action !== undefined ? OFFSITE.test(action.value) : list.some((x) => !x.closing && FORM_FIELDS.has(x.name)))) {
      out.emit(R.activeElement, frag);
      continue;
    }
    const local = t.name.slice(t.name.indexOf(':') + 1);
    if (ACTIVE.has(local) || (t.name === 'meta' && t.attrs.some((a) => a.name === 'http-equiv' || a.name === 'charset'))) out.emit(R.activeElement, frag);
    else if (MARKUP.has(t.name) && (t.attrs.length > 0 || t.end <= s.length)) out.emit(closesAttribute(s, t.start) ? R.attributeBreakout : R.markupElement, frag);
  }
}

const OFFSITE = re('^\\s{0,8}(?:[a-z][a-z0-9+.-]{1,10}:|//|\\\\\\\\)', 'i');
const FORM_FIELDS = new Set(['input', 'button', 'textarea', 'select', 'keygen', 'object']);

/**
 * Event bindings of client frameworks, run as expressions in the page's scope: AngularJS `ng-click`/`ng-focus`
 * (an event name after `ng-`), Vue `v-on:x` and `@x`, Alpine `x-on:x` and `x-init`, htmx `hx-on`.
 */
function frameworkHandler(name: string): boolean {
  if (name.startsWith('ng-')) return EVENTS.has(name.slice(3));
  if (name.startsWith('@')) return EVENTS.has(name.slice(1).split('.')[0] ?? '');
  return name.startsWith('v-on:') || name.startsWith('x-on:') || name.startsWith('hx-on') || name === 'x-init';
}

/**
 * A bare `<script>` named in a sentence ("the <script> tag is blocked by our CSP"): no closing tag follows, and
 * the text after it is words without a character JavaScript needs to do anything (a call, an assignment, a
 * template, a statement end). Browsers would run those words as script: a syntax error, nothing more.
 */
function proseFollows(s: string, end: number): boolean {
  const rest = s.slice(end, end + 200);
  if (rest.toLowerCase().includes('</script')) return false;
  for (let i = 0; i < rest.length; i++) if ('()=;`{}[]<>\\'.includes(rest[i] ?? '')) return false;
  return countWords(rest) >= 3;
}

/**
 * The tag at `start` follows a quote and '>' that no tag of this value opened (`"><img src='//x/?`): the value
 * closes an attribute and its element in the page, then adds markup (dangling markup, injected forms). Inside
 * a value's own HTML (`<a href="x"><img>`) the quote closes the value's own attribute.
 */
function closesAttribute(s: string, start: number): boolean {
  let i = start - 1;
  while (i >= 0 && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i--;
  if (s[i] !== '>') return false;
  i--;
  if (s[i] === '/') i--;
  while (i >= 0 && (s[i] === ' ' || s[i] === '\t')) i--;
  const q = s[i];
  return (q === '"' || q === "'" || q === '`') && s.lastIndexOf('<', i) === -1;
}
