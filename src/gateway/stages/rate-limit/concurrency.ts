import type { Priority } from './schema.js';

/** In-flight counter shared across config reloads (kept with env.resource), so a reload cannot reset it. */
export interface InFlight {
  n: number;
}

/**
 * The share of an upstream's adaptive limit each priority may use: when the limit shrinks under load, low
 * priority is refused first, then normal, then high; critical may use it all.
 */
export const PRIORITY_SHARE: Readonly<Record<Priority, number>> = { critical: 1, high: 0.9, normal: 0.75, low: 0.5 };

export interface GradientOptions {
  readonly initialLimit: number;
  readonly minLimit: number;
  readonly maxLimit: number;
  readonly tolerance: number;
  readonly smoothing: number;
}

/**
 * An adaptive concurrency limit driven by latency (after Netflix concurrency-limits' Gradient2 and Envoy's
 * adaptive concurrency filter): the limit follows gradient = tolerance * baseline / recent latency, clamped to
 * [0.5, 1], plus a small queue allowance (sqrt of the limit) so it probes upwards when latency is healthy.
 * The baseline is a slow-rising floor of latency, the recent value a fast average. It does not grow while the
 * upstream is not using half of it (an idle upstream says nothing about its capacity).
 */
export class GradientLimit {
  limit: number;
  private recent = 0;
  private baseline = 0;
  private samples = 0;

  constructor(private opts: GradientOptions) {
    this.limit = opts.initialLimit;
  }

  /** Reloads replace the options but keep what was learnt. */
  configure(opts: GradientOptions): void {
    this.opts = opts;
    this.limit = Math.min(opts.maxLimit, Math.max(opts.minLimit, this.limit));
  }

  /** One upstream round-trip time, with the number of requests in flight when it finished. */
  sample(rttMs: number, inFlight: number): void {
    const rtt = Math.max(0.01, rttMs);
    this.samples++;
    if (this.samples === 1) {
      this.recent = rtt;
      this.baseline = rtt;
      return;
    }
    this.recent += (rtt - this.recent) * 0.1;
    // The baseline falls at once to a faster recent latency and rises only slowly (~1000 samples), so a
    // sustained slowdown is not taken for the new normal before the limit has come down.
    this.baseline = this.recent < this.baseline ? this.recent : this.baseline + (rtt - this.baseline) * 0.001;
    if (inFlight < this.limit / 2 && this.recent <= this.baseline * this.opts.tolerance) return;
    const gradient = Math.max(0.5, Math.min(1, (this.opts.tolerance * this.baseline) / this.recent));
    const target = this.limit * gradient + Math.sqrt(this.limit);
    const next = this.limit * (1 - this.opts.smoothing) + target * this.opts.smoothing;
    this.limit = Math.min(this.opts.maxLimit, Math.max(this.opts.minLimit, next));
  }
}
