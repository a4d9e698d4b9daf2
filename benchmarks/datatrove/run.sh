#!/usr/bin/env bash
# datatrove side by side (issue 7): datatrove (with and without a langdetect step) and
# `corpus ingest`, same input, one run; writes benchmarks/datatrove/RESULTS.md.
#   bash benchmarks/datatrove/run.sh [WORK_DIR]     default: /tmp/datatrove-bench
# datatrove goes into a throwaway venv under /tmp (never into the project's pyproject/uv.lock).
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${1:-/tmp/datatrove-bench}
venv=${DATATROVE_VENV:-/tmp/datatrove-bench-venv}
version=${DATATROVE_VERSION:-0.10.1}
if [ ! -x "$venv/bin/python" ]; then
  uv venv -q -p 3.11 "$venv"
fi
# io: ParquetWriter (pyarrow); processing: MinHash (xxhash, nltk); spacy: the word tokenizer
# datatrove assigns to Indonesian (and English), which its MinHash signature step needs.
# Bytecode compiled on both sides: where PYTHONDONTWRITEBYTECODE is set, a venv without .pyc
# files compiles every module in every process, which would weigh on whichever side lacked them.
uv pip install -q -p "$venv/bin/python" "datatrove[io,processing]==$version" spacy langdetect
"$venv/bin/python" -m compileall -q -j 0 "$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" || true
uv sync -q --compile-bytecode
uv run python -m compileall -q corpus  # an editable install: outside the venv's site-packages
mkdir -p "$work"
uv run python benchmarks/datatrove/prepare.py "$work"
uv run python benchmarks/datatrove/bench.py "$work" "$venv/bin/python" \
  --results benchmarks/datatrove/RESULTS.md
