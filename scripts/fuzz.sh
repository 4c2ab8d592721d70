#!/usr/bin/env bash
# fuzz.sh runs every Fuzz* target in the module for FUZZTIME executions.
#
# Budgets are counts (Nx), not durations: with a duration, Go 1.26's fuzz
# coordinator can report a spurious "context deadline exceeded" failure when
# the time runs out while a worker is mid-input (golang/go#75804, fixed in
# Go 1.27). A count has no deadline to race. A duration still works when
# given explicitly (FUZZTIME=10m).
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${FUZZTIME:-100000x}"
grep -rl --include='*_test.go' '^func Fuzz' . | sort | while read -r file; do
	dir="./$(dirname "${file#./}")"
	grep -o '^func Fuzz[A-Za-z0-9_]*' "$file" | sed 's/^func //' | while read -r target; do
		echo "fuzz: $dir $target ($fuzztime)"
		go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -fuzzminimizetime 500x "$dir"
	done
done
