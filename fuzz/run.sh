#!/usr/bin/env bash
# Runs each libFuzzer target for a set time on a copy of its seed corpus, so the committed corpus
# never grows; fails when a target finds a crash, a sanitizer report, a leak, a timeout or an
# out-of-memory. Usage: fuzz/run.sh BUILD_DIR SECONDS TARGET... (see `make fuzz`, docs/fuzzing.md)
set -uo pipefail

build=$1
seconds=$2
shift 2
source_dir=$(cd "$(dirname "$0")/.." && pwd)
work=$build/fuzz-run        # corpus copies and logs of this run, replaced each run
findings=$build/fuzz-findings  # crash-*, timeout-*, oom-* inputs, kept across runs
rm -rf "$work"
mkdir -p "$work"
# The API targets' databases: on /dev/shm when there is one, removed at the end even when a
# target crashed (then it cannot remove its own).
if [[ -d /dev/shm ]]; then tmp=$(mktemp -d /dev/shm/unknot-fuzz-run-XXXXXX); else tmp=$work/tmp; fi
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
export UNKNOT_FUZZ_TMPDIR=$tmp

failed=()
total=0
printf '%-20s %12s %10s %8s  %s\n' target executions exec/s corpus result
for target in "$@"; do
  name=${target%_fuzz}
  corpus=$work/corpus/$name
  artifacts=$findings/$name/
  mkdir -p "$corpus" "$artifacts"
  if [[ -d $source_dir/fuzz/corpus/$name ]]; then cp "$source_dir/fuzz/corpus/$name/"* "$corpus/"; fi
  options=()
  case $name in
    http_request) options+=(-dict="$source_dir/fuzz/http.dict") ;;
    json_body | assessment)
      options+=(-dict="$source_dir/fuzz/json.dict")
      cp "$source_dir"/tests/golden/*.json "$corpus/"
      ;;
    scenario)
      cp "$source_dir"/tests/scenarios/*.scn "$corpus/"
      options+=(-max_len=16384)
      ;;
  esac
  log=$work/$name.log
  "$build/fuzz/$target" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts" "${options[@]}" >"$log" 2>&1
  status=$?
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  per_second=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  size=$(ls "$corpus" | wc -l)
  total=$((total + ${executions:-0}))
  if ((status == 0)); then
    result=ok
  else
    result="FAILED (exit $status): see $log and $artifacts"
    failed+=("$target")
  fi
  printf '%-20s %12s %10s %8s  %s\n' "$target" "${executions:-?}" "${per_second:-?}" "$size" "$result"
done
echo "total executions: $total in $((seconds * $#)) s of fuzzing"
if ((${#failed[@]} > 0)); then
  echo "fuzz: findings in ${failed[*]}; reproduce with $build/fuzz/<target> <artifact>"
  grep -h -A3 "^==[0-9]*==ERROR\|runtime error\|fuzz check failed" "$work"/*.log | head -40
  exit 1
fi
