#!/usr/bin/env bash
# Ledger figures on this machine: the durable-commit floor, issues/s, durable redemptions/s,
# and verify time over 100,000 vouchers / 300,000 entries.
#   Benchmarks/ledger.sh [--ops N] [--vouchers N] [--simulate N] [--dir DIR] [--writer]   (DIR: the disk to measure; default $TMPDIR)
# --writer prints only the server writer's CPU per redemption (batches of ten, NORMAL).
# --simulate 100000 adds: policy simulate over a year of history of that many vouchers (target under 10 s).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
swift build -c release --product goodwill-bench >/dev/null
exec .build/release/goodwill-bench "$@"
