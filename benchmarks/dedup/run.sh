#!/usr/bin/env bash
# Scale-up dedup benchmark: for each size N, a full run (saving the index), then an incremental
# run of N/100 new articles (with copies of published ones) against that index.
#   bash benchmarks/dedup/run.sh [WORK_DIR] [SIZES...]     default: /tmp/dedup-bench 100000 1000000
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${1:-/tmp/dedup-bench}; shift || true
sizes=("${@:-100000 1000000}")
mkdir -p "$work"
for n in ${sizes[@]}; do
  base="$work/$n"; inc="$work/$n-inc"
  [ -f "$base/articles.jsonl" ] || uv run python benchmarks/dedup/generate.py "$n" "$base"
  [ -f "$inc/articles.jsonl" ] || uv run python benchmarks/dedup/generate.py "$((n / 100))" "$inc" \
      --seed 1 --id-prefix b --copy-from "$base/articles.jsonl"
  rm -rf "$base.index"
  echo "full $n: $(uv run python benchmarks/dedup/bench.py "$base" --save-index "$base.index")"
  echo "incremental $((n / 100)) against $n: $(uv run python benchmarks/dedup/bench.py "$inc" --against "$base.index")"
done
