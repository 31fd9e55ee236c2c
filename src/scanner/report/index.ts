import type { ScanResult } from '../types.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderSarif, type SarifOptions } from './sarif.js';
import { renderTerminal } from './terminal.js';

export const FORMATS = ['terminal', 'json', 'sarif', 'junit', 'html'] as const;
export type ReportFormat = (typeof FORMATS)[number];

/** Every report is a pure function from a scan result to text. */
export function renderReport(format: ReportFormat, r: ScanResult, opts: { colour?: boolean; sarif?: SarifOptions } = {}): string {
  switch (format) {
    case 'terminal':
      return renderTerminal(r, opts);
    case 'json':
      return renderJson(r);
    case 'sarif':
      return renderSarif(r, opts.sarif);
    case 'junit':
      return renderJunit(r);
    case 'html':
      return renderHtml(r);
  }
}
