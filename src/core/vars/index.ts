export type { ArrayFormat } from './tuple.js';
export { ARRAY_FORMATS, formatArray } from './tuple.js';
export { parseExtraVars } from './extra-vars.js';
export type { DbtVarsArgs } from './build.js';
export { RESERVED_VARS, buildDbtVars, dispatchInputsToForward } from './build.js';
export { SECRET_NAME_PATTERN, secretVarValues } from './secrets.js';
