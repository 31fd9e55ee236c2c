/**
 * Signs that an error body leaks implementation detail (CWE-209: error message containing sensitive
 * information; OWASP API8:2023 security misconfiguration). Each pattern is linear: no nested quantifiers,
 * bounded repetition, anchored on literal text.
 */
// A line break, raw or JSON-escaped ("stack": "Error: x\n    at f (...)").
const NL = String.raw`(?:\n|\\n)`;
const STACK_TRACE: readonly RegExp[] = [
  new RegExp(NL + String.raw`[ \t]{1,16}at [\w$.<>[\] ]{1,200} \([^()\n]{1,500}:\d{1,7}:\d{1,7}\)`), // Node / V8
  new RegExp(NL + String.raw`(?:[ \t]|\\t){1,16}at [\w$.<>]{1,300}\([\w$.-]{1,200}\.(?:java|kt|scala):\d{1,7}\)`), // JVM
  /Traceback \(most recent call last\):/, // Python
  /File "[^"\n]{1,500}", line \d{1,7}/, // Python frames
  /\.rb:\d{1,7}:in [`']/, // Ruby
  /(?:Fatal error|Warning|Parse error): .{1,500} on line \d{1,7}/, // PHP
  /\bat [\w.]{1,300}\(\) in [^\n]{1,500}:line \d{1,7}/, // .NET
  /\bSystem\.[A-Za-z.]{1,100}Exception\b/, // .NET exception types
  /\bgoroutine \d{1,9} \[[a-z ]{1,40}\]:/, // Go panics
  /\bpanicked at '/, // Rust
];

const SQL_ERROR: readonly RegExp[] = [
  /\bSQLSTATE\[?[0-9A-Z]{5}/,
  /\bSQLITE_[A-Z]{2,30}\b/,
  /\bsyntax error at or near\b/i,
  /You have an error in your SQL syntax/i,
  /\bORA-\d{5}\b/,
  /\bPG::[A-Z][A-Za-z]{1,60}/,
  /\bSequelize[A-Z][A-Za-z]{1,40}Error\b/,
  /\bunterminated quoted string\b/i,
  /\bUnclosed quotation mark after the character string\b/i,
  /\bnear "[^"\n]{0,200}": syntax error\b/,
  /\brelation "[^"\n]{1,200}" does not exist\b/,
  /\b(?:SqlException|PSQLException|SQLSyntaxErrorException|QueryFailedError)\b/,
  /\bduplicate key value violates unique constraint\b/i,
];

export type LeakKind = 'stack-trace' | 'sql-error';

/** What kind of leak `text` shows, if any (first match). */
export function detectLeak(text: string): LeakKind | undefined {
  for (const re of STACK_TRACE) if (re.test(text)) return 'stack-trace';
  for (const re of SQL_ERROR) if (re.test(text)) return 'sql-error';
  return undefined;
}
