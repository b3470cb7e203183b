#!/usr/bin/env bash
# Install (idempotent), lint, print the benchmarks' figures, run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/python -m benchmarks.extract_speed
.venv/bin/python -m benchmarks.large_input --sizes 1,8 --line 100000
.venv/bin/python -m benchmarks.dashboard_speed
.venv/bin/python -m benchmarks.dashboard_browser --bundled
.venv/bin/python -m benchmarks.corpus_scale --docs 300
.venv/bin/python -m pytest -q "$@"
