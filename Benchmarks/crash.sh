#!/usr/bin/env bash
# Crash test: builds the release binary, serves on a loopback port, has CLIENTS threads issue
# and redeem with idempotency keys while the server is killed with SIGKILL KILLS times at random
# moments (MIN_GAP..MAX_GAP seconds apart) and restarted; unanswered requests are retried with
# the same key. Then checks: every 2xx is in the ledger exactly once, nothing refused or
# unanswered is in it, no key applied twice, `goodwill verify` passes, no balance is negative.
# Prints the counts; exits 1 on any failure.
# Knobs: KILLS (default 20), CLIENTS (4), MIN_GAP (0.05), MAX_GAP (0.5), GOODWILL_BIN (skip the build).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/Benchmarks/proof/common.sh"
run_proof_driver crash
