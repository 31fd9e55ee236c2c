export { PROBLEM_TYPES, problemTypeUri, type ProblemCode } from './catalogue.js';
export { problem, type Problem, type ProblemFieldError } from './problem.js';
export { writeProblem, problemBody, problemStatus, rawProblemResponse } from './write.js';
