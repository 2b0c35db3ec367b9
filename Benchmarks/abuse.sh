#!/usr/bin/env bash
# Abuse test against the live release server on a loopback port (see Benchmarks/proof/abuse.py):
# random bytes, hostile JSON bodies on every POST route (never a 5xx), truncated requests, huge headers / request lines / bodies, headers sent a byte at
# a time, thousands of idle connections (capped by ulimit -n), pipelined floods. Passes when the
# server stays up, every /health sample (every 0.2 s) is answered within 1 s, and peak RSS stays
# under RSS_LIMIT_MB. Knobs: IDLE RSS_LIMIT_MB RANDOM_CONNS PIPELINE DRIPS BODIES GOODWILL_BIN.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/Benchmarks/proof/common.sh"
run_proof_driver abuse
