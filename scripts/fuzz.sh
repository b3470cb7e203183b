#!/usr/bin/env bash
# A long property-based run of extract_text (tests/extractor/test_properties.py):
#   scripts/fuzz.sh            100,000 examples
#   scripts/fuzz.sh 5000       another count
# Prints hypothesis's statistics (examples run, time per example, failures found);
# a failure is printed as the smallest text that shows it - add it as a regular test.
set -euo pipefail
cd "$(dirname "$0")/.."
export ZHIBIAO_HYPOTHESIS_PROFILE=fuzz ZHIBIAO_FUZZ_EXAMPLES="${1:-100000}"
exec .venv/bin/python -m pytest tests/extractor/test_properties.py -p no:cacheprovider \
    --hypothesis-show-statistics -q --timeout=0
