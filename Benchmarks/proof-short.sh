#!/usr/bin/env bash
# Short versions of the proof scripts, for CI (a few minutes in all): the crash test with 20
# kills, the HTTP race test, and each fuzz target for FUZZ_SECONDS (default 20). Needs only
# python3 (and swiftc for the fuzz targets; without libFuzzer fuzzing is skipped with a message).
# The server binary is the debug build CI has just made (`swift build`); PROOF_RELEASE=1 builds
# and uses the release binary instead, GOODWILL_BIN names one. The long runs are by hand:
# see docs/guarantees.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
command -v python3 >/dev/null || { echo "proof-short: python3 is needed" >&2; exit 1; }
if [ -z "${GOODWILL_BIN:-}" ]; then
  if [ "${PROOF_RELEASE:-0}" = 1 ]; then
    swift build -c release --product goodwill >&2
    GOODWILL_BIN="$(swift build -c release --show-bin-path)/goodwill"
  else
    swift build --product goodwill >&2
    GOODWILL_BIN="$(swift build --show-bin-path)/goodwill"
  fi
fi
export GOODWILL_BIN
start=$(date +%s)

echo "== crash (KILLS=${KILLS:-20})"
KILLS="${KILLS:-20}" Benchmarks/crash.sh

echo "== race"
Benchmarks/race.sh

echo "== fuzz (FUZZ_SECONDS=${FUZZ_SECONDS:-20} per target)"
set +e
FUZZ_SECONDS="${FUZZ_SECONDS:-20}" Benchmarks/fuzz.sh
rc=$?
set -e
if [ "$rc" = 2 ]; then
  echo "fuzz: SKIPPED: libFuzzer is not available with this toolchain (swiftc -sanitize=fuzzer)."
elif [ "$rc" != 0 ]; then
  echo "fuzz: a target crashed (see above)" >&2
  exit 1
fi
echo "proof-short passed in $(( $(date +%s) - start )) s"
