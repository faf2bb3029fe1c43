#!/usr/bin/env bash
# `npm run bench:smoke` — every benchmark at a tiny size, so a broken benchmark fails CI: each still runs
# both of its sides, checks that they agree (same rows, same JSON) and prints its figures. Nothing here
# asserts a speed: the figures of a tiny run on a shared machine mean nothing; `npm run bench:*` at full
# size is how they are measured.
set -euo pipefail
cd "$(dirname "$0")/../.."
export KAM_TEST_MYSQL_URL="${KAM_TEST_MYSQL_URL:-mysql://root@127.0.0.1:3306}"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/kam-bench-smoke-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
export TMPDIR="$tmp"

run() {
  echo "== bench:smoke — $*"
  local out="$tmp/out.txt"
  "$@" 2>&1 | tee "$out"
  # A benchmark prints its figures: an empty or figure-less run is a broken one.
  grep -Eq '[0-9]+(\.[0-9]+)? ?(s|ms|rows/s|req/s|MB|×)\b' "$out" || { echo "bench:smoke: no figures printed by: $*" >&2; exit 1; }
}

run npm run --silent bench:import -- --rows 300
BENCH_ACCOUNTS=30 BENCH_SECONDS=0 run npm run --silent bench:api
BENCH_ACCOUNTS=200 run npm run --silent bench:policy
run npm run --silent bench:privacy -- --rows 200
run npm run --silent bench:export -- --accounts 60 --activities 600
run npm run --silent bench:stats -- --accounts 60 --activities 600 --db both --repeat 1
run npm run --silent bench:feeds -- --accounts 30 --activities 300
echo "== bench:smoke: every benchmark ran, its sides agreed and it printed its figures"
