#!/usr/bin/env bash
# Durable redemptions on one server while its database grows: starts the release build on a fresh
# database (127.0.0.1 only), seeds vouchers over the API, then runs RUNS back-to-back wrk loads of
# POST redemptions (fresh Idempotency-Key each, the reference benchmark's gw-redeem.lua) and after
# each prints the rate, p50/p99/max latency, the database's size, and the WAL restarts with the
# mean time each stalled the writer (goodwill_wal_restart_seconds_total). A stall that grows with
# the database shows here as a p99 that climbs run after run.
#   Benchmarks/wal-growth.sh          knobs: PORT DURATION RUNS CONNS WRK_THREADS SEED BENCH BIN
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bench="${BENCH:-$(cd "$root/.." && pwd)/shared/bench}"
PORT=${PORT:-18096}; DURATION=${DURATION:-10s}; RUNS=${RUNS:-4}; CONNS=${CONNS:-32}; WRK_THREADS=${WRK_THREADS:-2}
SEED=${SEED:-10000}
for tool in wrk curl python3; do command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y wrk curl)" >&2; exit 1; }; done
[[ -f "$bench/wrk/gw-redeem.lua" ]] || { echo "no wrk scripts at $bench (set BENCH=…/shared/bench)" >&2; exit 1; }
if [[ -z "${BIN:-}" ]]; then
  swift build -c release --package-path "$root" --product goodwill 2>&1 | tail -1
  BIN="$root/.build/release/goodwill"
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/goodwill-walgrowth.XXXXXX")
server=
stop() {
  if [[ -n "$server" ]] && kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server"; for _ in $(seq 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server" 2>/dev/null || true
  fi
  server=
}
trap 'stop; rm -rf "$work"' EXIT
base=http://127.0.0.1:$PORT
export GOODWILL_DB=$work/gw.db
"$BIN" init >/dev/null
key=$("$BIN" keys create --role admin --name growth --json | python3 -c 'import sys, json; print(json.load(sys.stdin)["secret"])')
"$BIN" serve --host 127.0.0.1 --port "$PORT" --db "$work/gw.db" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -fsS "$base/health" >/dev/null 2>&1 && break; sleep 0.1; done
python3 - "$base" "$key" "$SEED" "$work/ids.txt" <<'PY'
import sys, json, http.client, threading, urllib.parse
base, key, n, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
u = urllib.parse.urlparse(base); ids = []; lock = threading.Lock()
def work(lo, hi):
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    for i in range(lo, hi):
        body = json.dumps({"value": {"amount": 100000000, "currency": "SEK"}, "validity": {"none": True}})
        c.request("POST", "/v1/vouchers", body, {"Authorization": "Bearer " + key, "Content-Type": "application/json",
                                                  "Idempotency-Key": "seed-%d" % i})
        r = c.getresponse(); v = json.loads(r.read())
        with lock: ids.append(v["id"])
threads = [threading.Thread(target=work, args=(k * n // 8, (k + 1) * n // 8)) for k in range(8)]
[t.start() for t in threads]; [t.join() for t in threads]
open(out, "w").write("\n".join(ids) + "\n")
PY
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
