import { M } from '../normalize/charmask.js';
import type { View } from '../normalize/views.js';
import { re } from '../patterns.js';
import { excerpt, rule, type Emitter, type Item, type ValueDetector } from '../rule.js';

/** Server-side JavaScript (Node.js) injection: reaching the process, modules and the Function constructor. */
const R = {
  runtime: rule('js-injection', 'js.node-runtime', 1, 5, 'reaches the Node.js process, modules or child processes'),
  constructorChain: rule('js-injection', 'js.constructor-chain', 1, 5, 'constructor.constructor / Function constructor (sandbox escape)'),
  serialized: rule('js-injection', 'js.serialized-function', 1, 5, 'node-serialize or funcster function marker'),
  code: rule('js-injection', 'js.code', 2, 5, 'JavaScript function or module code'),
  loop: rule('js-injection', 'js.endless-loop', 1, 5, 'loop with a constant condition (denial of service through eval)'),
};
/** `while(true)`, `while(!0)`, `while(+Infinity)`, `for(;;)`: a loop that never ends. */
const ENDLESS = re('\\bwhile\\s{0,8}\\(\\s{0,8}[!+-]{0,4}\\s{0,4}\\(?\\s{0,4}(?:true|false|\\d{1,8}|""|\'\'|``|\\{\\}|\\[\\]|this|infinity|undefined|null|nan|new\\s{1,8}[a-z_$][\\w$]{0,40}|string|object|array|number|boolean|date|function|symbol|math|json|window|self|globalthis)\\s{0,4}\\)?\\s{0,8}\\)|\\bfor\\s{0,8}\\(\\s{0,8};\\s{0,8};\\s{0,8}\\)', 'i');

const RUNTIME = re('\\b(?:require\\s{0,8}\\(\\s{0,8}[\'"`](?:child_process|fs|net|http|vm|os|process)|child_process\\s{0,4}(?:[\'"`)\\]]|\\.\\s{0,4}[a-z]{2,20}\\s{0,4}\\()|process\\s{0,4}\\.\\s{0,4}(?:mainmodule|binding|env|kill|exit|dlopen|stdout|openstdin)|global\\s{0,4}\\.\\s{0,4}process|\\b(?:process|require)\\s{0,4}\\[|\\.\\s{0,4}(?:execsync|spawnsync|execfilesync)\\s{0,4}\\()', 'i');
const CONSTRUCTOR = re('\\$\\d{1,4}:\\w{1,40}:(?:prototype|constructor|__proto__)|constructor\\s{0,4}(?:\\.\\s{0,4}|:|\\[\\s{0,4}[\'"`]\\s{0,4})constructor|\\bnew\\s{1,8}function\\s{0,8}\\(|\\bfunction\\s{0,4}\\(\\s{0,4}[\'"`]|\\bthis\\s{0,4}\\.\\s{0,4}constructor\\b|__definegetter__|__lookupgetter__|\\bimport\\s{0,4}\\(\\s{0,4}[\'"`]', 'i');
const CODE = re('\\bfunction\\b[^(]{0,48}\\([^)]{0,80}\\)\\s{0,8}\\{|\\bconsole\\s{0,4}(?:\\.\\s{0,4}[a-z]{2,10}|\\[\\s{0,4}["\'][a-z]{2,10}["\']\\s{0,4}\\])\\s{0,4}\\(|\\bmodule\\s{0,4}\\.\\s{0,4}exports\\b|=>\\s{0,8}\\{|\\beval\\s{0,4}\\(|\\bsettimeout\\s{0,4}\\(\\s{0,4}[\'"`]', 'i');

export const jsDetector: ValueDetector = {
  name: 'js-injection',
  rules: Object.values(R),
  trigger: M.PAREN | M.DOT | M.BRACKET | M.DOLLAR,
  inspect(view: View, _item: Item, out: Emitter): void {
    const s = view.text;
    const marker = serializedMarker(s);
    if (marker >= 0) out.emit(R.serialized, excerpt(s, marker));
    if ((view.mask & M.PAREN) !== 0 && (view.lower.includes('while') || view.lower.includes('for'))) {
      const e = ENDLESS.exec(s);
      if (e !== null && (e[0].toLowerCase().startsWith('for') || alwaysTrue(e[0]))) out.emit(R.loop, excerpt(s, e.index));
    }
    const r = RUNTIME.exec(s);
    if (r !== null) out.emit(R.runtime, excerpt(s, r.index));
    const c = CONSTRUCTOR.exec(s);
    if (c !== null) out.emit(R.constructorChain, excerpt(s, c.index));
    else {
      const k = CODE.exec(s);
      if (k !== null) out.emit(R.code, excerpt(s, k.index));
    }
  },
};

const SERIALIZED_MARKERS = ['_$$ND_FUNC$$_', '_$$ND_CC$$_', '__js_function'];

/** Where a node-serialize (`_$$ND_FUNC$$_`, `_$$ND_CC$$_`) or funcster (`__js_function`) marker starts, or -1. */
function serializedMarker(s: string): number {
  let at = -1;
  for (const m of SERIALIZED_MARKERS) {
    const i = s.indexOf(m);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  return at;
}

const OBJECTS = new Set(['string', 'object', 'array', 'number', 'boolean', 'date', 'function', 'symbol', 'math', 'json', 'window', 'self', 'globalthis']);

/** The constant condition of a matched `while(...)` is true (`while(!true)` never runs). */
function alwaysTrue(loop: string): boolean {
  const inner = loop.slice(loop.indexOf('(') + 1, loop.lastIndexOf(')')).replaceAll(' ', '').replaceAll('(', '').replaceAll(')', '').toLowerCase();
  let i = 0;
  let not = 0;
  let minus = false;
  for (; i < inner.length; i++) {
    if (inner[i] === '!') not++;
    else if (inner[i] === '-') minus = true;
    else if (inner[i] !== '+') break;
  }
  const v = inner.slice(i);
  const digits = v !== '' && [...v].every((c) => c >= '0' && c <= '9');
  // Unary +/- make numbers of '' and `` (0) and keep Infinity; -0 is 0.
  // An object (`new Date`) or a global function or namespace (`String`, `Math`) is truthy; unary minus makes NaN of
  // most of them, so only the plain forms count.
  const object = v.startsWith('new') || OBJECTS.has(v);
  const truthy = digits ? Number(v) !== 0 : object ? !minus : v === 'true' || v === 'infinity' || v === 'this' || v === '{}' || v === '[]' ? !(minus && v === '[]') : false;
  return not % 2 === 0 ? truthy : !truthy;
}
