export { PROBLEM_TYPES, problemTypeUri, type ProblemCode } from './catalogue.js';
export { problem, type Problem, type ProblemFieldError } from './problem.js';
export { writeProblem, problemBody, problemStatus, problemResponse, rawProblemResponse } from './write.js';
