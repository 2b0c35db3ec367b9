#!/usr/bin/env bash
# Measures Sources/HTTPServer alone: builds Benchmarks/http-echo with swiftc -O, loads
# GET /health with wrk (-t2 -c32 by default), prints req/s, p50, p99 and the server's max RSS.
# Knobs: PORT DURATION CONNS THREADS LOOPS (event-loop threads; default one per core).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
PORT="${PORT:-18090}" DURATION="${DURATION:-5s}" CONNS="${CONNS:-32}" THREADS="${THREADS:-2}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }

swiftc -O -parse-as-library -module-name HTTPEcho \
  "$root"/Sources/HTTPServer/*.swift "$root"/Benchmarks/http-echo/main.swift -o "$work/http-echo"

LOOPS="${LOOPS:-}" "$work/http-echo" "$PORT" >"$work/server.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do grep -q listening "$work/server.log" && break; sleep 0.1; done

wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "http://127.0.0.1:$PORT/health" >"$work/wrk.txt"
rss_kb="$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")"
kill -TERM "$pid"
wait "$pid" || true

reqs="$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")"
p50="$(awk '$1 == "50%" {print $2}' "$work/wrk.txt")"
p99="$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")"
errors="$(grep -E 'Socket errors|Non-2xx' "$work/wrk.txt" || true)"
printf 'route\treq/s\tp50\tp99\tmax_rss_MB\n'
printf 'GET /health\t%s\t%s\t%s\t%s\n' "$reqs" "$p50" "$p99" "$((rss_kb / 1024))"
[ -n "$errors" ] && echo "$errors"
exit 0
