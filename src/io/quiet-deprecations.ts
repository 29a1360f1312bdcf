// Imported first by each action entry (dist/plan, dist/run, dist/merge run straight from their
// action.yml): a bundled dependency of @actions/artifact requires Node's deprecated `punycode`,
// a DeprecationWarning in every job log that no user can act on.
process.noDeprecation = true;
