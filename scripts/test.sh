#!/usr/bin/env bash
# Sets up what is missing, then runs every check CI runs: ruff (lint and format), mypy, pytest.
# Extra arguments go to pytest (e.g. scripts/test.sh -k lint -x).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export QT_QPA_PLATFORM=offscreen
echo "== ruff check"; .venv/bin/ruff check src tests benchmarks plugins packaging tools
echo "== ruff format --check"; .venv/bin/ruff format --check src tests benchmarks plugins packaging tools
echo "== mypy"; .venv/bin/mypy
echo "== import-linter (docs/ARCHITECTURE.md, layers)"; .venv/bin/lint-imports --no-cache
echo "== pytest"; .venv/bin/python -m pytest "$@"
