#!/usr/bin/env bash
# Durable redemptions on one server while its database grows: starts the release build on a fresh
# database (127.0.0.1 only), seeds vouchers over the API, then runs RUNS back-to-back wrk loads of
# POST redemptions (fresh Idempotency-Key each, the reference benchmark's gw-redeem.lua) and after
# each prints the rate, p50/p99/max latency, the database's size, and the WAL restarts with the
# mean time each stalled the writer (goodwill_wal_restart_seconds_total). A stall that grows with
# the database shows here as a p99 that climbs run after run.
#   Benchmarks/wal-growth.sh          knobs: PORT DURATION RUNS CONNS WRK_THREADS SEED BENCH GOODWILL_BIN
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bench="${BENCH:-$(cd "$root/.." && pwd)/shared/bench}"
PORT=${PORT:-18096}; DURATION=${DURATION:-10s}; RUNS=${RUNS:-4}; CONNS=${CONNS:-32}; WRK_THREADS=${WRK_THREADS:-2}
SEED=${SEED:-10000}
source "$root/Benchmarks/seeded-server.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/goodwill-walgrowth.XXXXXX")
trap 'stop_server; rm -rf "$work"' EXIT
start_seeded_server growth
curl -fsS "$base/metrics" >"$work/m0.txt"
for run in $(seq "$RUNS"); do
  wrk -t"$WRK_THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$bench/wrk/gw-redeem.lua" "$base" -- "$work/ids.txt" "$key" >"$work/wrk.txt"
  curl -fsS "$base/metrics" >"$work/m$run.txt"
  python3 - "$work" "$run" "$(stat -c %s "$work/gw.db")" <<'PY'
import sys, re
work, run, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def metric(path, name):
    m = re.search(rf"^{name} ([\d.e+-]+)$", open(path).read(), re.M)
    return float(m.group(1)) if m else 0.0
a, b = f"{work}/m{run - 1}.txt", f"{work}/m{run}.txt"
restarts = metric(b, "goodwill_wal_restarts_total") - metric(a, "goodwill_wal_restarts_total")
stall = metric(b, "goodwill_wal_restart_seconds_total") - metric(a, "goodwill_wal_restart_seconds_total")
wrk = open(f"{work}/wrk.txt").read()
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1))
p50, p99 = (re.search(rf"{p}%\s+([\d.]+\w+)", wrk).group(1) for p in ("50", "99"))
worst = re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", wrk).group(1)
print(f"run {run}: {rate:,.0f} redemptions/s, p50 {p50}, p99 {p99}, max {worst}; database {size / 1e6:.0f} MB; "
      f"{restarts:.0f} WAL restarts, {stall / max(restarts, 1) * 1e3:.1f} ms each on average ({stall * 1e3:.0f} ms in all)")
PY
done
