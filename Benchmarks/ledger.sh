#!/usr/bin/env bash
# Ledger figures on this machine: the durable-commit floor, issues/s, durable redemptions/s,
# and verify time over 100,000 vouchers / 300,000 entries.
#   Benchmarks/ledger.sh [--ops N] [--vouchers N] [--dir DIR]   (DIR on the disk to measure; default $TMPDIR)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
swift build -c release --product goodwill-bench >/dev/null
exec .build/release/goodwill-bench "$@"
