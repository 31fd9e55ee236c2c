const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `1s`, `500ms`, `10m`, `1h`, `1d` to milliseconds (the schema has checked the shape). */
export function parseDuration(text: string): number {
  const m = /^([0-9]+)(ms|s|m|h|d)$/.exec(text);
  if (m === null) throw new Error(`not a duration: ${text}`);
  const unit = m[2] === 'ms' || m[2] === 's' || m[2] === 'm' || m[2] === 'h' || m[2] === 'd' ? m[2] : 'ms';
  return Number(m[1]) * UNIT_MS[unit];
}
