# Sourced by the redemption load scripts (api-stages.sh, wal-growth.sh): the release server on a
# fresh database at 127.0.0.1:$PORT with SEED vouchers issued over the API, ready for the
# reference benchmark's wrk scripts. Needs `root`, `bench`, `PORT` and `SEED` set, and `work` (a
# folder) before `start_seeded_server`; sets `bin` (GOODWILL_BIN, or the release build made now, as
# the proof scripts do), `base`, `server` and `key`, and writes the seeded voucher IDs to
# $work/ids.txt. The caller's EXIT trap should call `stop_server`.
# PRE_SERVE_SQL, for experiments: SQL run on the fresh database (sqlite3) before the server starts,
# e.g. an index dropped or changed, to measure what a schema change would be worth before making it.
source "$root/Benchmarks/proof/common.sh"

for tool in wrk curl python3; do command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y wrk curl)" >&2; exit 1; }; done
[[ -f "$bench/wrk/gw-redeem.lua" ]] || { echo "no wrk scripts at $bench/wrk (set BENCH=…/shared/bench)" >&2; exit 1; }
bin="$(goodwill_release_binary)"
base=http://127.0.0.1:$PORT
server=

stop_server() {
  if [[ -n "$server" ]] && kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server"; for _ in $(seq 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server" 2>/dev/null || true
  fi
  server=
}

# start_seeded_server KEY_NAME: a fresh $work/gw.db, an admin key, the server, SEED vouchers.
start_seeded_server() {
  rm -f "$work"/gw.db*
  export GOODWILL_DB=$work/gw.db
  "$bin" init >/dev/null
  [[ -z "${PRE_SERVE_SQL:-}" ]] || sqlite3 "$work/gw.db" "$PRE_SERVE_SQL"
  key=$("$bin" keys create --role admin --name "$1" --json | python3 -c 'import sys, json; print(json.load(sys.stdin)["secret"])')
  "$bin" serve --host 127.0.0.1 --port "$PORT" --db "$work/gw.db" >"$work/server.log" 2>&1 &
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
}
