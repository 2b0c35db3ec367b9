#!/usr/bin/env bash
# The HTTP API under load: builds the release goodwill and runs ../shared/bench/compare.sh, which
# loads Goodwill and the reference server (Hummingbird + GRDB) one after the other with the same wrk
# load (/health, GET a voucher by code, POST a voucher, POST redemptions with fresh Idempotency-Keys)
# on 127.0.0.1 only, and prints req/s, p99 and RSS for both and the ratio. Goodwill runs with
# synchronous=FULL (an answered redemption survives power loss); the reference with NORMAL.
# Without a built reference it measures Goodwill alone (run-goodwill.sh) and says so.
# Knobs are run-goodwill.sh's: PORT DURATION CONNS WRK_THREADS RUNS SEED PIN ENDPOINTS.
# PIN applies to both servers: 0 (the default here) lets each server and wrk share both cores;
# 1 puts each server on CPU 0 (the reference with one event loop) and wrk on CPU 1. The two
# scripts underneath default differently when PIN is unset (run-goodwill.sh to 0, run-peer.sh to
# 1), so compare.sh alone pins the reference and not Goodwill, and its ratios then flatter us.
set -euo pipefail
export PIN="${PIN:-0}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bench="${BENCH:-$(cd "$root/.." && pwd)/shared/bench}"
[[ -x "$bench/run-goodwill.sh" ]] || { echo "no benchmark scripts at $bench (set BENCH=…/shared/bench)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
swift build -c release --package-path "$root" 2>&1 | tail -1
bin="$root/.build/release/goodwill"
if [[ -x "$bench/peer-hummingbird/.build/release/peer-hummingbird" ]]; then
  echo "PIN=$PIN for both servers"
  "$bench/compare.sh" "$bin"
else
  echo "The reference server is not built ($bench/build-peer.sh builds it); measuring Goodwill alone."
  "$bench/run-goodwill.sh" "$bin"
fi
