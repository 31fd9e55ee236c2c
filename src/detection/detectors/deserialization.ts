import { M } from '../normalize/charmask.js';
import type { View } from '../normalize/views.js';
import { re } from '../patterns.js';
import { excerpt, rule, type Emitter, type Item, type ValueDetector } from '../rule.js';

/**
 * Deserialization payloads of the languages the Java, PHP and Node.js detectors do not cover: Python pickles that
 * import a module able to run commands, YAML tags that construct arbitrary objects (PyYAML, Psych, SnakeYAML), and
 * .NET type names of the known gadget chains (Json.NET `$type`, JavaScriptSerializer `__type`, XAML).
 */
const R = {
  pickle: rule('deserialization', 'deser.python-pickle', 1, 5, 'Python pickle that imports a module able to run code (os, subprocess, builtins...)'),
  yaml: rule('deserialization', 'deser.yaml-object-tag', 1, 5, 'YAML tag that constructs an arbitrary object (!!python/object, !ruby/object, !!javax...)'),
  dotnet: rule('deserialization', 'deser.dotnet-gadget', 1, 5, '.NET type of a known deserialization gadget chain (ObjectDataProvider, PSObject...)'),
};

/** Modules a pickle's GLOBAL opcode imports to run something. */
const PICKLE_MODULES = ['os', 'posix', 'nt', 'subprocess', 'builtins', '__builtin__', 'commands', 'pty', 'socket', 'importlib', 'runpy', 'shutil', 'webbrowser', 'code', 'ctypes'];
/** Protocol 0-1 text pickles: `c<module>\n<name>\n` (GLOBAL), e.g. `cposix\nsystem\n(S'id'\ntR.`. */
const TEXT_PICKLE = re('(?:^|[\\n(.])c(?:os|posix|nt|subprocess|__builtin__|builtins|commands|pty|socket|importlib|runpy|shutil|webbrowser|ctypes)\\n[a-z_][\\w.]{0,40}\\n', 'i');
const YAML_TAG = re('!!python/(?:object|name|module)\\b|!ruby/(?:object|hash|struct|marshal|class)\\b|!!(?:javax?|com|org|net|sun|jdk)\\.[a-z0-9_$]{1,60}\\.[a-z0-9_$.]{1,120}', 'i');
const DOTNET_GADGET = re('\\b(?:system\\.windows\\.data\\.objectdataprovider|objectdataprovider|system\\.management\\.automation\\.psobject|system\\.data\\.services\\.internal\\.expandedwrapper|expandedwrapper`|system\\.security\\.principal\\.windowsidentity|system\\.configuration\\.install\\.assemblyinstaller|system\\.activities\\.presentation\\.workflowdesigner|textformattingrunproperties|system\\.web\\.security\\.roleprincipal|system\\.identitymodel\\.tokens\\.sessionsecuritytoken|typeconfusedelegate|activitysurrogateselector|system\\.windows\\.forms\\.axhost|system\\.resources\\.resxresourcereader)\\b', 'i');

export const deserializationDetector: ValueDetector = {
  name: 'deserialization',
  rules: Object.values(R),
  // Base64 pickles carry no punctuation; the checks below start with one or two character tests.
  trigger: 0,
  inspect(view: View, _item: Item, out: Emitter): void {
    const s = view.text;
    if (s.length < 8) return;
    if ((view.mask & M.NEWLINE) !== 0 && TEXT_PICKLE.test(s)) out.emit(R.pickle, excerpt(s, 0));
    else if (view.via === 'raw' && s.charCodeAt(0) === 103 && s[1] === 'A' && binaryPickle(s)) out.emit(R.pickle, excerpt(s, 0));
    if ((view.mask & M.EXCL) !== 0 && s.includes('!')) {
      const y = YAML_TAG.exec(s);
      if (y !== null) out.emit(R.yaml, excerpt(s, y.index));
    }
    // An assembly-qualified type name (`System.Windows.Data.ObjectDataProvider, PresentationFramework`) has a comma;
    // XAML has markup.
    if ((view.mask & M.DOT) !== 0 && (view.mask & (M.COMMA | M.LT)) !== 0 && hasGadgetStem(view.lower)) {
      const d = DOTNET_GADGET.exec(view.lower);
      if (d !== null) out.emit(R.dotnet, excerpt(s, d.index));
    }
  },
};

function hasGadgetStem(l: string): boolean {
  return l.includes('system.') || l.includes('objectdataprovider') || l.includes('expandedwrapper') || l.includes('textformatting') || l.includes('typeconfuse') || l.includes('surrogate');
}

/**
 * Base64 of a protocol 2-5 pickle (`gAN`, `gASV`, `gAWV`: the bytes 0x80 0x02..0x05) whose bytes name one of the
 * modules above as a string (SHORT_BINUNICODE / BINUNICODE before STACK_GLOBAL, or a GLOBAL line).
 */
function binaryPickle(s: string): boolean {
  const c = s[2];
  if (c !== 'I' && c !== 'N' && c !== 'S' && c !== 'W') return false;
  const bytes = Buffer.from(s.trim().slice(0, 8192), 'base64');
  if (bytes[0] !== 0x80 || (bytes[1] ?? 0) < 2 || (bytes[1] ?? 0) > 5) return false;
  const text = bytes.toString('latin1');
  for (const m of PICKLE_MODULES) {
    for (let at = text.indexOf(m); at !== -1; at = text.indexOf(m, at + 1)) {
      // A length-prefixed string (0x8c len) or the first name of a GLOBAL line ('c' module '\n').
      const before = text.charCodeAt(at - 1);
      const after = text.charCodeAt(at + m.length);
      if ((before === m.length && text.charCodeAt(at - 2) === 0x8c) || (before === 0x63 && after === 0x0a)) return true;
    }
  }
  return false;
}
