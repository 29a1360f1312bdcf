#!/usr/bin/env node
// The CLI: the bundled front end in dist/cli (built by `npm run build`, committed).
// A bundled dependency of @actions/artifact requires node's deprecated `punycode`; its warning
// says nothing to a dbt-matrix user.
process.noDeprecation = true;
await import('../dist/cli/index.js');
