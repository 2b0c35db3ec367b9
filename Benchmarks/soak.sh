#!/usr/bin/env bash
# Soak: mixed load against the release server on a loopback port for SOAK_MINUTES (default 30):
# CLIENTS (4) clients issue (with holders and expiry 1–40 days out, so the server's once-a-minute
# reminder loop writes reminders to a maildir in the work folder; BACKDATED (60) vouchers issued 60 days earlier have reminders due at the start), redeem, read and list, pausing
# PAUSE_MS (20) between requests. RSS is sampled every SAMPLE_SECONDS (60) and printed as a series.
# Fails if RSS ever exceeds RSS_BOUND_MB (200), grows more than GROWTH_BOUND_MB (32) from the
# first sample to the last, on any 5xx, or if `goodwill verify` fails. GOODWILL_BIN skips the build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/Benchmarks/proof/common.sh"
run_proof_driver soak
