import type { CheckContext } from './engine/context.js';
import type { Operation } from './model/operations.js';
import type { FindingDraft, OwaspCategory, Severity } from './types.js';

export interface CheckDefinition {
  /** Stable id, kebab-case, used by --checks, baselines and SARIF rule ids. */
  readonly id: string;
  readonly title: string;
  readonly owasp: OwaspCategory;
  readonly cwe: number;
  /** Severity of a confirmed finding (a check may lower a single finding to `info`). */
  readonly severity: Severity;
  /** What the check does and how it confirms, in a sentence or two (shown in reports). */
  readonly description: string;
  /** How to fix it, for the report reader. */
  readonly remediation: string;
  /** `operation`: run over the operations `appliesTo` selects (skipped when none); `target`: run once. */
  readonly scope: 'operation' | 'target';
  readonly appliesTo: (op: Operation) => boolean;
  /** Preconditions: the check is skipped (and says why) when they are not met. */
  readonly needs?: { readonly users?: number; readonly admin?: boolean; readonly destructive?: boolean; readonly login?: boolean; readonly canary?: boolean };
  readonly run: (ctx: CheckContext, operations: readonly Operation[]) => Promise<readonly FindingDraft[]>;
}

/** Declare a check. Frozen: the registry is data, not something checks change at run time. */
export function defineCheck(def: CheckDefinition): CheckDefinition {
  return Object.freeze(def);
}
