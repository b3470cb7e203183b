#!/usr/bin/env bash
# Install (idempotent) and open the dashboard on the bundled claims table.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m dashboard "$@"
