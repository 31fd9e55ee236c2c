import { CHECKS } from '../checks/registry.js';
import type { ScanResult } from '../types.js';
import { truncate } from './summary.js';

export function xmlEscape(s: string): string {
  // XML 1.0 forbids most control characters even escaped: drop them.
  return s.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '').replace(/[<>&"']/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch]!);
}

/**
 * JUnit XML: one test suite per check; a check that found nothing is one passing test case, each finding is a
 * failing one (info findings pass, with the detail in system-out), a check that did not run is skipped.
 */
export function renderJunit(r: ScanResult): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const outcome of r.checks) {
    const def = CHECKS.find((c) => c.id === outcome.id);
    const name = xmlEscape(`${outcome.id} (${def?.owasp ?? ''})`);
    const mine = r.findings.filter((f) => f.checkId === outcome.id);
    const cases: string[] = [];
    if (outcome.status !== 'ran') cases.push(`    <testcase classname="${name}" name="${xmlEscape(outcome.id)}"><skipped message="${xmlEscape(outcome.reason ?? outcome.status)}"/></testcase>`);
    else if (mine.length === 0) cases.push(`    <testcase classname="${name}" name="${xmlEscape(def?.title ?? outcome.id)}"/>`);
    for (const f of mine) {
      const body = xmlEscape(`${f.detail}\n\nFix: ${f.remediation}\n\nReproduce:\n${truncate(f.curl, 2000)}`);
      cases.push(
        f.severity === 'info'
          ? `    <testcase classname="${name}" name="${xmlEscape(f.title)}"><system-out>${body}</system-out></testcase>`
          : `    <testcase classname="${name}" name="${xmlEscape(f.title)}"><failure type="${f.severity}" message="${xmlEscape(`[${f.severity}] ${f.title}`)}">${body}</failure></testcase>`,
      );
    }
    const fails = mine.filter((f) => f.severity !== 'info').length;
    tests += cases.length;
    failures += fails;
    suites.push(`  <testsuite name="${name}" tests="${cases.length}" failures="${fails}" skipped="${outcome.status === 'ran' ? 0 : 1}">\n${cases.join('\n')}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="rampart-scan" tests="${tests}" failures="${failures}" time="${(r.durationMs / 1000).toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
