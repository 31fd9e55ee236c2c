import type { Algorithm } from '../types.js';
import { fixedWindowStep } from './fixed-window.js';
import { gcraStep } from './gcra.js';
import { slidingWindowStep } from './sliding-window.js';
import type { StepFn } from './step.js';
import { tokenBucketStep } from './token-bucket.js';

export { fixedWindowStep } from './fixed-window.js';
export { gcraStep } from './gcra.js';
export { slidingWindowStep } from './sliding-window.js';
export { tokenBucketStep } from './token-bucket.js';
export type { Step, StepFn } from './step.js';

export const STEPS: Readonly<Record<Algorithm, StepFn>> = {
  gcra: gcraStep,
  'token-bucket': tokenBucketStep,
  'sliding-window': slidingWindowStep,
  'fixed-window': fixedWindowStep,
};
