/** dbt's node-selection grammar, natively: parse --select/--exclude/selectors.yml and select unique ids. */
export type {
  CriteriaAst,
  GroupAst,
  IndirectSelection,
  MethodName,
  SelectorAst,
  SelectorDefinition,
  SelectorsFile,
  SelectorValue,
} from './ast.js';
export { DBT_METHODS, INDIRECT_SELECTION_MODES } from './ast.js';
export { parseSelector, parseSelectArgs, parseCriteria, parseIndirectSelection } from './parse.js';
export { parseSelectorsYaml, selectorsFromManifest } from './selectors-file.js';
export { selectNodes, LISTED_TYPES, DEFAULT_INCLUDES, type SelectionSpec } from './select.js';
export { fnmatch } from './fnmatch.js';
