#!/usr/bin/env bash
# Where a durable redemption's time goes, from the server's own /metrics: starts the release build
# on a fresh database (127.0.0.1 only), seeds vouchers over the API, issues vouchers for WARM
# seconds, then loads POST /v1/vouchers/{id}/redemptions with wrk (fresh Idempotency-Key each, the
# reference benchmark's gw-redeem.lua) for DURATION and prints, per redemption, the mean time
#   queued for the writer · the writer's transaction (the whole batch it was in) · waiting for a syncer ·
#   in fdatasync · the rest of the server's time (before submitting, answering after the sync)
# and the round trip the clients saw (connections / throughput), so a change to any stage shows
# up as that stage's number, not only as a noisy req/s. RUNS repeats it on fresh servers.
#   Benchmarks/api-stages.sh          knobs: PORT DURATION WARM CONNS WRK_THREADS SEED RUNS BENCH GOODWILL_BIN
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bench="${BENCH:-$(cd "$root/.." && pwd)/shared/bench}"
PORT=${PORT:-18095}; DURATION=${DURATION:-10s}; WARM=${WARM:-6s}; CONNS=${CONNS:-32}; WRK_THREADS=${WRK_THREADS:-2}
SEED=${SEED:-10000}; RUNS=${RUNS:-1}
source "$root/Benchmarks/seeded-server.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/goodwill-stages.XXXXXX")
trap 'stop_server; rm -rf "$work"' EXIT
# CPU time each of the server's threads has used so far: "name ticks" (user + system), one per line.
cpu_threads() {
  local t
  for t in /proc/"$server"/task/*; do
    # comm may hold spaces; the fields after its closing parenthesis are fixed.
    python3 -c 'import sys; s = open(sys.argv[1]).read(); name = s[s.index("(") + 1:s.rindex(")")]; f = s[s.rindex(")") + 2:].split(); print(name.replace(" ", "_"), int(f[11]) + int(f[12]))' "$t/stat" 2>/dev/null || true
  done
}

for run in $(seq "$RUNS"); do
  start_seeded_server stages
  wrk -t"$WRK_THREADS" -c"$CONNS" -d"$WARM" -s "$bench/wrk/gw-post.lua" "$base" -- "$work/ids.txt" "$key" >/dev/null
  curl -fsS "$base/metrics" >"$work/before.txt"
  cpu_threads >"$work/cpu-before.txt"
  wrk -t"$WRK_THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$bench/wrk/gw-redeem.lua" "$base" -- "$work/ids.txt" "$key" >"$work/wrk.txt"
  curl -fsS "$base/metrics" >"$work/after.txt"
  cpu_threads >"$work/cpu-after.txt"
  stop_server
  python3 - "$work" "$CONNS" "$run" <<'PY'
import sys, re, os
work, conns, run = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def load(path):
    values = {}
    for line in open(path):
        if line.startswith("#"): continue
        name, _, value = line.rstrip().rpartition(" ")
        try: values[name] = float(value)
        except ValueError: pass
    return values
a, b = load(f"{work}/before.txt"), load(f"{work}/after.txt")
d = {k: b[k] - a.get(k, 0.0) for k in b}
wrk = open(f"{work}/wrk.txt").read()
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1))
p50 = re.search(r"50%\s+([\d.]+\w+)", wrk).group(1)
p99 = re.search(r"99%\s+([\d.]+\w+)", wrk).group(1)
route = '{route="POST /v1/vouchers/{id}/redemptions"}'
served = d["goodwill_http_request_duration_seconds_count" + route]
server = d["goodwill_http_request_duration_seconds_sum" + route] / served * 1e3
n, batches = d["goodwill_writer_commands_total"], d["goodwill_writer_batches_total"]
queued = d["goodwill_writer_queued_seconds_total"] / n * 1e3
mean_transaction = d["goodwill_writer_busy_seconds_total"] / batches * 1e3
# What a redemption waited for its transaction: its whole batch, so large batches weigh more than
# the mean transaction says. A binary from before that counter gets the mean, and says so.
if "goodwill_writer_transaction_seconds_total" in d:
    batch = d["goodwill_writer_transaction_seconds_total"] / n * 1e3
else:
    batch = mean_transaction
    print("  (this binary has no goodwill_writer_transaction_seconds_total: the transaction stage is the mean transaction, and the rest absorbs the difference)")
wait = d["goodwill_writer_sync_wait_seconds_total"] / n * 1e3
sync = d["goodwill_writer_syncing_seconds_total"] / n * 1e3
rest = server - queued - batch - wait - sync
def ticks(path):
    by = {}
    for line in open(path):
        name, value = line.split()
        by[name] = by.get(name, 0) + int(value)
    return by
c0, c1 = ticks(f"{work}/cpu-before.txt"), ticks(f"{work}/cpu-after.txt")
hz = os.sysconf("SC_CLK_TCK")
cpu = {k: (c1[k] - c0.get(k, 0)) / hz / n * 1e6 for k in c1}
print(f"run {run}: {rate:,.0f} redemptions/s (p50 {p50}, p99 {p99}), {n / batches:.1f} per transaction "
      f"(mean {mean_transaction:.2f} ms), "
      f"{n / max(d['goodwill_writer_syncs_total'], 1):.1f} per fdatasync")
print(f"  per redemption, ms: queued {queued:.2f} · transaction {batch:.2f} · wait for syncer {wait:.2f} · "
      f"fdatasync {sync:.2f} · rest of server {rest:.2f} = server {server:.2f}; "
      f"round trip {conns / rate * 1e3:.2f} (the difference is the event loops, TCP and wrk)")
groups = {}
for name, us in cpu.items():
    group = "gw-sync" if name.startswith("gw-sync") else "http-loop" if name.startswith("http-loop") else "dispatch" if "qos" in name else name
    groups[group] = groups.get(group, 0) + us
print(f"  server CPU per redemption, µs: {sum(groups.values()):.1f} = " +
      " · ".join(f"{k} {v:.1f}" for k, v in sorted(groups.items(), key=lambda kv: -kv[1]) if v >= 0.05))
PY
done
