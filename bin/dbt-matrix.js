#!/usr/bin/env node
// The CLI: the bundled front end in dist/cli (built by `npm run build`, committed).
await import('../dist/cli/index.js');
