import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Priority } from './schema.js';

/**
 * The gateway's own overload signal: the event-loop delay (p99 over the last second). Above the threshold
 * low-priority routes are shed; above twice it normal ones too; above four times, high. Critical never.
 */
export class EventLoopMonitor {
  p99Ms = 0;
  private readonly histogram: IntervalHistogram;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 1000) {
    this.histogram = monitorEventLoopDelay({ resolution: 10 });
    this.histogram.enable();
    this.timer = setInterval(() => {
      this.p99Ms = this.histogram.percentile(99) / 1e6;
      this.histogram.reset();
    }, intervalMs);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }
}

const SHED_AT: Readonly<Record<Priority, number>> = { low: 1, normal: 2, high: 4, critical: Infinity };

/** Whether a route of this priority is shed at this event-loop delay. */
export function shedByDelay(priority: Priority, delayMs: number, thresholdMs: number): boolean {
  return thresholdMs > 0 && delayMs > thresholdMs * SHED_AT[priority];
}
