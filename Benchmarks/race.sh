#!/usr/bin/env bash
# Race test over HTTP against the release server on a loopback port:
#  1. LAST_CLIENTS (64) clients redeem 10 SEK from one 500 SEK voucher at once: exactly 50 win,
#     the rest get insufficient-balance, the balance ends at 0;
#  2. CLIENTS (16) clients × OPS (60) operations on four vouchers: redemptions, reversals of each
#     other's redemptions, extensions, racing voids. The ledger holds exactly the acknowledged
#     writes, sums hold (balance = value − redeemed + reversed), nothing follows a void, verify passes.
# Prints the counts; exits 1 on any failure. GOODWILL_BIN skips the build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/Benchmarks/proof/common.sh"
run_proof_driver race
