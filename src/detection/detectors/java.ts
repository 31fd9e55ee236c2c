import { M, S } from '../normalize/charmask.js';
import type { View } from '../normalize/views.js';
import { base64Needles, hasBase64Run } from '../normalize/base64.js';
import { re } from '../patterns.js';
import { excerpt, rule, type Emitter, type Item, type ValueDetector } from '../rule.js';

/**
 * Java attacks: references to classes that run code or touch files (java.lang.Runtime, ProcessBuilder...),
 * deserialization gadget classes, serialized-object magic bytes (raw, hex, base64 at every alignment), and
 * OGNL / Spring expression payloads.
 */
const R = {
  dangerousClass: rule('java', 'java.dangerous-class', 1, 5, 'reference to a Java class that runs code or touches files'),
  gadget: rule('java', 'java.deserialization-gadget', 1, 5, 'Java deserialization gadget class'),
  serialized: rule('java', 'java.serialized-object', 1, 5, 'Java serialized object (magic bytes)'),
  ognl: rule('java', 'java.expression-injection', 1, 5, 'OGNL / Spring / EL expression reaching the runtime'),
  classReference: rule('java', 'java.class-reference', 2, 3, 'fully qualified Java class name'),
};

/** Class and method names that execute, load code or open files (matched as whole identifiers). */
const DANGEROUS = new Set(
  ('processbuilder runtime getruntime classloader urlclassloader scriptengine scriptenginemanager processimpl unixprocess fileoutputstream fileinputstream ' +
    'filewriter filereader randomaccessfile objectinputstream objectoutputstream inputstreamreader bufferedreader printwriter socket serversocket urlconnection ' +
    'httpurlconnection method reflect invoke defineclass forname newinstance jndi initialcontext system exec process thread unsafe methodhandles ' +
    'pushbackinputstream filteroutputstream filterinputstream bytearrayinputstream sequenceinputstream pipedinputstream outputstream inputstream ' +
    'dataoutputstream datainputstream bufferedwriter bufferedinputstream bufferedoutputstream streamtokenizer zipinputstream jarfile').split(' '),
);
/** Words that are only dangerous after a java./javax. prefix (English words). */
const NEEDS_PREFIX = new Set(['runtime', 'system', 'exec', 'process', 'thread', 'method', 'reflect', 'invoke', 'socket', 'forname', 'outputstream', 'inputstream', 'unsafe']);
const GADGETS: readonly string[] = [
  'invokertransformer', 'instantiatetransformer', 'chainedtransformer', 'constanttransformer', 'instantiatefactory', 'prototypeserializationfactory',
  'prototypeclonefactory', 'whileclosure', 'forclosure', 'templatesimpl', 'jdbcrowsetimpl', 'annotationinvocationhandler', 'lazymap', 'transformedmap',
  'badattributevalueexpexception', 'beancomparator', 'transformingcomparator', 'xalan.xsltc', 'combopooleddatasource', 'jndirefforwardingdatasource',
  'groovy.util.expando', 'convertedclosure', 'methodclosure', 'springframework.beans.factory', 'rmiconnector', 'jrmpclient', 'jrmplistener',
  'commons.collections', 'commons.beanutils', 'org.codehaus.groovy.runtime', 'clojure.main', 'java.rmi.server', 'sun.rmi', 'javax.management.',
  'clonetransformer', 'ysoserial',
];
const GADGET_WORDS: ReadonlySet<string> = new Set(GADGETS.filter((g) => !g.includes('.')));
const DOTTED_GADGETS: readonly string[] = GADGETS.filter((g) => g.includes('.'));
/** The names hold letters, digits, '_' and '.' only: a dot is the one character to escape. */
const literal = (w: string) => w.replaceAll('.', '\\.');
/** One pass that tells whether any DOTTED_GADGETS name is there (the list is then searched in its order). */
const ANY_DOTTED_GADGET = re(DOTTED_GADGETS.map(literal).join('|'));
/** A cheap gate: every dangerous or gadget identifier contains one of these stems. */
const STEMS = re('process|runtime|classloader|scriptengine|stream|reader|writer|socket|connection|method|reflect|invoke|define|forname|instance|jndi|context|system|exec|thread|unsafe|handles|randomaccess|jarfile|transformer|factory|closure|templates|rowset|handler|lazymap|transformedmap|exception|comparator|xsltc|datasource|expando|rmi|ysoserial|tokenizer');
const OGNL = re(
  '(?:#_memberaccess|@java\\.lang\\.|#context\\s{0,4}\\[|%\\{\\s{0,8}\\(?\\s{0,8}#|ognlcontext|@ognl\\.|\\.getclass\\s{0,4}\\(\\s{0,4}\\)\\s{0,4}\\.\\s{0,4}(?:forname|getmethod|getclassloader)|' +
    'class\\.module\\.classloader|class\\.classloader|t\\s{0,4}\\(\\s{0,4}java\\.lang|new\\s{1,8}java\\.(?:lang|io|net|util)\\.|getruntime\\s{0,4}\\(\\s{0,4}\\)\\s{0,4}\\.\\s{0,4}exec)',
  'i',
);
const QUALIFIED = re('\\b(?:java|javax|sun|jdk|com\\.sun|org\\.apache|org\\.springframework|com\\.opensymphony|ognl|bsh|javassist|freemarker|org\\.codehaus|groovy|org\\.mozilla\\.javascript|com\\.thoughtworks\\.xstream|org\\.hibernate|com\\.mchange|weblogic|com\\.ibm\\.ws|org\\.omg|org\\.jboss)\\.[a-z0-9_$]{1,64}(?:\\.[a-z0-9_$]{1,64}){0,8}', 'gi');
/** Packages whose classes reach the runtime, files, network, scripting or naming: never user data. */
const SENSITIVE_PACKAGES = re('^(?:java\\.(?:lang|io|net|nio|rmi|beans|security|util\\.zip)|javax\\.(?:script|naming|management|xml\\.transform)|sun\\.|jdk\\.|com\\.sun\\.|com\\.opensymphony\\.|ognl\\.|bsh\\.|javassist\\.|freemarker\\.template|org\\.codehaus\\.groovy|org\\.omg\\.|org\\.jboss\\.|org\\.apache\\.(?:commons|struts|xalan|tomcat|catalina|bcel)|org\\.springframework\\.(?:beans|context|expression)|org\\.mozilla\\.javascript|com\\.thoughtworks\\.xstream|com\\.mchange)');

/** Gadget and runtime class names spelt in base64 at every alignment (they travel inside serialized blobs). */
const BASE64_NEEDLES: readonly string[] = [
  'invokertransformer', 'instantiatetransformer', 'chainedtransformer', 'constanttransformer', 'clonetransformer', 'instantiatefactory',
  'prototypeserializationfactory', 'prototypeclonefactory', 'whileclosure', 'forclosure', 'processbuilder', 'runtime', 'templatesimpl', 'classloader',
  'java.lang', 'java/lang', 'getruntime', 'ysoserial', 'commons.collections',
].flatMap(base64Needles);
/** One pass that tells whether any needle is there (base64 symbols escaped; the list is then searched in order). */
const ANY_BASE64_NEEDLE = re(BASE64_NEEDLES.map((n) => n.replaceAll('+', '\\+')).join('|'));

/** Java serialization stream header 0xACED0005 in hex, and in base64 at each of the three alignments. */
const MAGIC: readonly string[] = (() => {
  const bytes = [0xac, 0xed, 0x00, 0x05];
  const out = ['aced0005'];
  for (let pad = 0; pad < 3; pad++) {
    const b64 = Buffer.from([...new Array<number>(pad).fill(0), ...bytes]).toString('base64');
    // Drop the characters made of padding bits only; keep the partial ones as if the unknown bits were zero
    // (how these streams appear after a zero-length prefix).
    const skip = Math.floor((pad * 8) / 6);
    const keep = Math.ceil(((pad + 4) * 8) / 6);
    out.push(b64.slice(skip, keep));
  }
  // With no prefix the first five characters are fixed whatever follows (the sixth depends on the next byte).
  out.push(Buffer.from(bytes).toString('base64').slice(0, 5));
  return out;
})();

export const javaDetector: ValueDetector = {
  name: 'java',
  rules: Object.values(R),
  trigger: 0,
  inspect(view: View, _item: Item, out: Emitter): void {
    const s = view.text;
    const l = view.lower;
    if (s.length < 5) return;
    const hex = (view.shape & S.DIGIT) !== 0 ? l.indexOf('aced0005') : -1;
    if (hex !== -1) out.emit(R.serialized, excerpt(s, hex));
    // A base64 run mixes in capitals past its first character or digits (hasBase64Run's own condition).
    const b64 = view.via === 'raw' && s.length >= 6 && (view.shape & (S.UPPER_INSIDE | S.DIGIT)) !== 0 && hasBase64Run(s, 6);
    if (b64) {
      for (const m of MAGIC) {
        const at = s.indexOf(m);
        if (at !== -1) {
          out.emit(R.serialized, excerpt(s, at));
          break;
        }
      }
    }
    if (b64 && s.length >= 8 && ANY_BASE64_NEEDLE.test(s)) {
      for (const n of BASE64_NEEDLES) {
        const at = s.indexOf(n);
        if (at !== -1) {
          out.emit(R.gadget, excerpt(s, at));
          break;
        }
      }
    }
    if ((view.mask & (M.DOT | M.NONASCII)) === 0 && l.length < 6) return;
    // Qualified names (java.lang, commons.collections) put a dot between identifier characters; a sentence's
    // full stop or a version number ("1.0") does not make one.
    const qualified = (view.mask & M.DOT) !== 0 && hasQualifiedDot(l);
    if (qualified && ANY_DOTTED_GADGET.test(l)) {
      for (const g of DOTTED_GADGETS) {
        const at = l.indexOf(g);
        if (at !== -1) {
          out.emit(R.gadget, excerpt(s, at));
          break;
        }
      }
    }
    if ((view.mask & (M.PERCENT | M.HASH | M.AT | M.PAREN)) !== 0 || qualified) {
      const o = OGNL.exec(l);
      if (o !== null) out.emit(R.ognl, excerpt(s, o.index));
    }
    dangerousIdentifiers(s, l, view.mask, (view.shape & S.CAMEL) !== 0, qualified, out);
  },
};

/** Every QUALIFIED match starts with one of these. */
const JAVA_ROOTS = ['java', 'sun.', 'jdk.', 'org.', 'com.', 'ognl.', 'bsh.', 'javassist.', 'freemarker.', 'groovy.', 'weblogic.'];
const ANY_JAVA_ROOT = re(JAVA_ROOTS.map(literal).join('|'));

function dangerousIdentifiers(s: string, l: string, mask: number, camel: boolean, dotted: boolean, out: Emitter): void {
  let qualified = false;
  let trace: boolean | undefined;
  if (dotted && ANY_JAVA_ROOT.test(l)) {
    QUALIFIED.lastIndex = 0;
    let m: RegExpExecArray | null;
    let n = 0;
    while ((m = QUALIFIED.exec(l)) !== null && n++ < 8) {
      qualified = true;
      const parts = m[0].split('.');
      // A stack trace names classes without running them: a frame (`java.lang.reflect.Method.invoke(Method.java:498)`,
      // `(Native Method)`), an exception class, a value type (`java.lang.String.length()` in the message).
      if ((trace ??= isStackTrace(l)) && traceName(l, m.index + m[0].length, parts)) continue;
      // An exception or error class is reported, not run (`java.lang.IllegalStateException: Migration failed`), and
      // a package alone (`"module": "java.lang"`) names no class at all.
      const last = parts[parts.length - 1] ?? '';
      const lastStart = s.charCodeAt(m.index + m[0].length - last.length);
      const packageOnly = parts.length === 2 && l.charCodeAt(m.index + m[0].length) !== 46 && lastStart >= 97 && lastStart <= 122;
      if (last.endsWith('exception') || last.endsWith('error') || packageOnly) continue;
      if (parts.slice(1).some((p) => DANGEROUS.has(p))) {
        out.emit(R.dangerousClass, excerpt(s, m.index));
        return;
      }
      if (SENSITIVE_PACKAGES.test(m[0] + '.')) out.emit(R.dangerousClass, excerpt(s, m.index));
      else if (parts.length >= 3) out.emit(R.classReference, excerpt(s, m.index));
    }
  }
  // Identifiers glued to other words (ProcessBuilder.evil, Runtime.getRuntime()) without a package prefix. Class
  // names written on their own are code-shaped: next to punctuation, or camel-cased (getRuntime, InvokerTransformer);
  // lower-case prose is not read word by word.
  if ((mask & CODE_PUNCT) === 0 && !camel) return;
  if (!STEMS.test(l)) return;
  let i = 0;
  while (i < l.length) {
    while (i < l.length && !isIdent(l.charCodeAt(i))) i++;
    const start = i;
    while (i < l.length && isIdent(l.charCodeAt(i))) i++;
    if (i - start < 6) continue;
    const w = l.slice(start, i);
    if (GADGET_WORDS.has(w) || (w.length > 14 && gadgetInside(w))) {
      out.emit(R.gadget, excerpt(s, start));
      return;
    }
    if (DANGEROUS.has(w) && !NEEDS_PREFIX.has(w)) {
      out.emit(R.dangerousClass, excerpt(s, start));
      return;
    }
    if (!qualified && (w === 'runtime' || w === 'getruntime') && l.slice(i, i + 40).includes('exec')) {
      out.emit(R.dangerousClass, excerpt(s, start));
      return;
    }
  }
}

const VALUE_TYPES = new Set(['string', 'integer', 'long', 'boolean', 'double', 'float', 'short', 'byte', 'character', 'number', 'object', 'stringbuilder', 'enum', 'void', 'iterable', 'comparable', 'math', 'bigdecimal', 'biginteger', 'optional', 'arraylist', 'hashmap', 'list', 'map', 'collections', 'arrays']);
const FRAME = re('^\\((?:[a-z0-9_$]{1,64}\\.(?:java|kt|scala|groovy):\\d{1,6}|native method|unknown source)\\)');

/** The text has stack-trace frames: `at a.b.C.m(C.java:42)` lines. */
function isStackTrace(l: string): boolean {
  const at = l.indexOf('at ');
  return at !== -1 && (l.includes('.java:') || l.includes('.kt:') || l.includes('(native method)') || l.includes('(unknown source)')) && STACK_FRAME_LINE.test(l);
}
const STACK_FRAME_LINE = re('(?:^|\\n)\\s{0,16}at\\s{1,4}[a-z_$][\\w$.]{0,200}\\(', '');

/** In a stack trace: the qualified name ending at `end` is a frame, an exception class or a value type. */
function traceName(l: string, end: number, parts: readonly string[]): boolean {
  if (l.charCodeAt(end) === 40 && FRAME.test(l.slice(end, end + 80))) return true;
  const last = parts[parts.length - 1] ?? '';
  if (last.endsWith('exception') || last.endsWith('error')) return true;
  return parts.length <= 4 && parts[0] === 'java' && (parts[1] === 'lang' || parts[1] === 'util') && VALUE_TYPES.has(parts[2] ?? '');
}

/** Gadget names are glued into longer identifiers too (ProcessBuilder.evil.clonetransformerX): a bounded scan. */
function gadgetInside(w: string): boolean {
  for (const g of GADGET_WORDS) if (w.includes(g)) return true;
  return false;
}

/** A '.' after an identifier character and before a letter, '_' or '$' (lower-cased input). */
function hasQualifiedDot(l: string): boolean {
  for (let i = l.indexOf('.'); i !== -1; i = l.indexOf('.', i + 1)) {
    if (i === 0 || !isIdent(l.charCodeAt(i - 1))) continue;
    const n = l.charCodeAt(i + 1);
    if ((n >= 97 && n <= 122) || n === 95 || n === 36) return true;
  }
  return false;
}

const CODE_PUNCT = M.DOT | M.PAREN | M.BRACKET | M.BRACE | M.DOLLAR | M.HASH | M.AT | M.SLASH | M.BACKSLASH | M.COLON | M.QUOTE | M.DQUOTE | M.BACKTICK | M.LT | M.GT | M.SEMI | M.EQ | M.PERCENT | M.PLUS | M.PIPE | M.AMP | M.NONASCII | M.CONTROL | M.NEWLINE | M.STAR | M.COMMA | M.DASH;

function isIdent(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 36;
}
