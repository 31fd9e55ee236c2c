import type { ScanResult } from '../types.js';

/** The JSON report: the scan result itself (also the --baseline input). */
export function renderJson(r: ScanResult): string {
  return `${JSON.stringify({ $schema: 'urn:rampart:scan-report:1', ...r }, null, 2)}\n`;
}
