import type { LogRecord } from '../../pipeline/types.js';
import type { AdaptiveConfig } from './schema.js';

/** The signals that raise a client's risk, counted since its limits last changed (for the explanation). */
export interface Signals {
  authFailure: number;
  detection: number;
  validation: number;
  clientError: number;
  serverError: number;
  rateSurge: number;
}
export type Signal = keyof Signals;

interface ClientRisk {
  risk: number;
  at: number;
  level: number;
  signals: Signals;
  /** Event rates (requests/s, exponentially weighted): recent and the client's own baseline. */
  shortRate: number;
  longRate: number;
  lastSeen: number;
  seen: number;
}

/** A change of a client's limit factor, with why: the stage logs it (with the limits before and after). */
export interface RiskChange {
  readonly client: string;
  readonly direction: 'tighten' | 'relax';
  readonly riskBefore: number;
  readonly riskAfter: number;
  readonly factorBefore: number;
  readonly factorAfter: number;
  readonly signals: Readonly<Signals>;
}

const SHORT_TAU_S = 10;
const LONG_TAU_S = 600;
const WARMUP = 20;
const SURGE_FLOOR_RPS = 1;

const noSignals = (): Signals => ({ authFailure: 0, detection: 0, validation: 0, clientError: 0, serverError: 0, rateSurge: 0 });

/** Which signal one finished call carries, if any (429s and the gateway's own 503s say nothing about the client). */
export function classify(record: LogRecord): Signal | undefined {
  const p = record.problem;
  if (p === 'too-many-requests') return undefined;
  if (p === 'unauthorized' || (record.stage === 'authentication' && record.decision === 'reject')) return 'authFailure';
  if (p === 'attack-detected' || (record.stage === 'detection' && record.decision === 'reject')) return 'detection';
  if (p === 'invalid-request' || (record.stage === 'validation' && record.decision === 'reject')) return 'validation';
  if (record.status >= 400 && record.status < 500) return 'clientError';
  if (record.status >= 500 && record.stage === 'proxy') return 'serverError';
  return undefined;
}

/**
 * Per-client risk: a decaying sum of weighted signals (half-life `halfLifeMs`). Every `riskPerStep` of risk
 * halves the client's limits, down to `minFactor`; as the risk decays they recover. Bounded: the least
 * recently seen client is forgotten beyond `maxClients`.
 */
export class RiskTracker {
  private readonly clients = new Map<string, ClientRisk>();

  constructor(
    private cfg: AdaptiveConfig,
    private readonly now: () => number,
  ) {}

  /** A reload changes the weights, not what was learnt. */
  configure(cfg: AdaptiveConfig): void {
    this.cfg = cfg;
  }

  get size(): number {
    return this.clients.size;
  }

  /** The factor (0..1] to apply to this client's limits now, and a change when decay relaxed it. */
  factor(client: string): { factor: number; change?: RiskChange } {
    const c = this.clients.get(client);
    if (c === undefined) return { factor: 1 };
    const change = this.settle(client, c, this.now());
    return { factor: this.factorOf(c.level), change };
  }

  /** Learn from one finished call. Returns a change when this call moved the client's limits. */
  observe(client: string, record: LogRecord): RiskChange | undefined {
    const t = this.now();
    let c = this.clients.get(client);
    if (c === undefined) {
      c = { risk: 0, at: t, level: 0, signals: noSignals(), shortRate: 0, longRate: 0, lastSeen: t, seen: 0 };
      if (this.clients.size >= this.cfg.maxClients) {
        const oldest = this.clients.keys().next();
        if (oldest.done !== true) this.clients.delete(oldest.value);
      }
    } else this.clients.delete(client);
    this.clients.set(client, c); // re-insert: Map order is the LRU order
    this.decay(c, t);
    const w = this.cfg.weights;
    const signal = classify(record);
    if (signal !== undefined && w[signal] > 0) {
      c.risk += w[signal];
      c.signals[signal]++;
    }
    if (this.surging(c, t) && w.rateSurge > 0) {
      c.risk += w.rateSurge / 10;
      c.signals.rateSurge++;
    }
    return this.settle(client, c, t);
  }

  private surging(c: ClientRisk, t: number): boolean {
    const dt = Math.max(0, (t - c.lastSeen) / 1000);
    c.lastSeen = t;
    c.seen++;
    c.shortRate = c.shortRate * Math.exp(-dt / SHORT_TAU_S) + 1 / SHORT_TAU_S;
    // Until it has a history, a client's baseline is its own early behaviour.
    c.longRate = c.seen <= WARMUP ? c.shortRate : c.longRate * Math.exp(-dt / LONG_TAU_S) + 1 / LONG_TAU_S;
    return c.shortRate > SURGE_FLOOR_RPS && c.shortRate > this.cfg.surgeRatio * c.longRate;
  }

  private decay(c: ClientRisk, t: number): void {
    if (t > c.at) c.risk *= Math.pow(0.5, (t - c.at) / this.cfg.halfLifeMs);
    c.at = t;
  }

  private factorOf(level: number): number {
    return Math.max(this.cfg.minFactor, Math.pow(0.5, level));
  }

  private settle(client: string, c: ClientRisk, t: number): RiskChange | undefined {
    const before = c.risk;
    this.decay(c, t);
    // Levels beyond the one that reaches minFactor change nothing: cap them so every logged change is real.
    const level = Math.min(Math.ceil(Math.log2(1 / this.cfg.minFactor)), Math.floor(c.risk / this.cfg.riskPerStep));
    if (level === c.level) return undefined;
    const change: RiskChange = {
      client,
      direction: level > c.level ? 'tighten' : 'relax',
      riskBefore: round(before),
      riskAfter: round(c.risk),
      factorBefore: this.factorOf(c.level),
      factorAfter: this.factorOf(level),
      signals: { ...c.signals },
    };
    c.level = level;
    c.signals = noSignals();
    return change;
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
