#!/usr/bin/env bash
# api.sh against the reference made as durable as Goodwill: the same load (../shared/bench/compare.sh)
# with the reference's writer connection set to `synchronous = FULL`, so that both servers
# answer a redemption only once it would survive a power loss. #4's goal compares against the
# reference as shipped (NORMAL); this is the like-for-like figure beside it.
# ../shared/bench is not touched: it is copied to WORK (default $TMPDIR/goodwill-durable-reference,
# kept, so only the first run builds the reference, about 5 minutes on 2 cores) and changed there.
# Knobs are api.sh's (PIN defaults to 0 here too) and WORK.
set -euo pipefail
export PIN="${PIN:-0}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bench="${BENCH:-$(cd "$root/.." && pwd)/shared/bench}"
work="${WORK:-${TMPDIR:-/tmp}/goodwill-durable-reference}"
store="peer-hummingbird/Sources/PeerHummingbird/main.swift"
[[ -x "$bench/compare.sh" ]] || { echo "no benchmark scripts at $bench (set BENCH=…/shared/bench)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
# Changing the reference's own PRAGMA (in `prepareDatabase`) leaves its writer at NORMAL: GRDB's
# DatabasePool sets that when it opens the pool (a first version of this script did so, and the
# check at the end caught it). So FULL is set on the pool's writer, one connection, once it is open,
# outside a transaction (SQLite refuses the change inside one).
open_pool='pool = try DatabasePool(path: path, configuration: config)'
grep -qF "$open_pool" "$bench/$store" ||
  { echo "the reference no longer opens its pool as '$open_pool' in $bench/$store; update this script" >&2; exit 1; }
# The scripts and sources afresh each time (the reference may have changed), its build folder kept.
mkdir -p "$work"
(cd "$bench" && tar --exclude=./peer-hummingbird/.build -cf - .) | (cd "$work" && tar -xf -)
sed -i "s|$open_pool|&; try pool.writeWithoutTransaction { try \\\$0.execute(sql: \"PRAGMA synchronous = FULL\") }|" "$work/$store"
swift build -c release --package-path "$root" 2>&1 | tail -1
echo "PIN=$PIN for both servers; the reference with synchronous=FULL (a copy in $work)"
"$work/compare.sh" "$root/.build/release/goodwill" | tee "$work/last.txt"
# The reference logs the setting it runs with; a run that did not take FULL says nothing like-for-like.
results=$(sed -n 's/^raw results: //p' "$work/last.txt")
if ! grep -q 'synchronous=2' "$results/reference/server.log"; then
  echo "the reference did not run with synchronous=FULL (2); see $results/reference/server.log" >&2
  exit 1
fi
