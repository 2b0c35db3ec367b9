#!/usr/bin/env bash
# Fuzzes the parsers that read untrusted bytes, with libFuzzer (swiftc -sanitize=fuzzer,address):
#   http-parser    HTTPRequestParser (Sources/HTTPServer), whole vs. split feeding must agree
#   money          Money.parse and arithmetic (Sources/GoodwillCore), round trip holds
#   voucher-code   VoucherCode.parse / normalize (Sources/GoodwillCore), round trip, redaction
#   policy-loader  PolicyLoader + evaluation of what loads (Sources/PolicyEngine)
#   redemption-body  FastBody.redemption (Sources/GoodwillAPI), must agree with JSONDecoder and the gate
#   json-gate      JSONKeys.inspect (Sources/GoodwillAPI), never more lenient than JSONSerialization
# Each target is compiled directly from the module's sources plus Benchmarks/fuzz/<target>.swift,
# seeded from Benchmarks/fuzz/seeds/<target>/ (and Policies/, Fixtures/policies-broken/ for the
# loader), and runs for FUZZ_SECONDS (default 30). Prints executions and crashes per target and
# exits 1 if any target crashed; crashing inputs are kept in $FUZZ_DIR/crashes/<target>/.
#
# Knobs: FUZZ_SECONDS (per target, default 30), FUZZ_TARGETS (space-separated subset),
#        FUZZ_DIR (work folder, default .build/fuzz; the corpus grows there across runs),
#        FUZZ_JOBS (parallel targets, default 1; the machine is shared).
# Exit 0: no crash. 1: a crash. 2: libFuzzer is not available with this toolchain.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
FUZZ_SECONDS="${FUZZ_SECONDS:-30}"
FUZZ_TARGETS="${FUZZ_TARGETS:-http-parser money voucher-code policy-loader redemption-body json-gate}"
FUZZ_DIR="${FUZZ_DIR:-$root/.build/fuzz}"
mkdir -p "$FUZZ_DIR/bin"

flags=(-sanitize=fuzzer,address -parse-as-library -O -g)

# Does this toolchain ship libFuzzer? (Swift on Linux does; Xcode's does not.)
probe="$FUZZ_DIR/bin/probe"
if ! { printf '@_cdecl("LLVMFuzzerTestOneInput") public func f(_ d: UnsafePointer<UInt8>, _ n: Int) -> CInt { 0 }\n' >"$probe.swift" &&
       swiftc "${flags[@]}" "$probe.swift" -o "$probe" >/dev/null 2>&1; }; then
  echo "libFuzzer is not available with $(command -v swiftc) (swiftc -sanitize=fuzzer failed); fuzzing skipped." >&2
  exit 2
fi

sources() { find "$root/Sources/$1" -name '*.swift' | sort; }

# GoodwillCore's SHA-256 compresses in C (Sources/CSHA256): compiled once here, its header found
# through the module map in its include folder, its object linked into every target built on Core.
csha_object="$FUZZ_DIR/bin/csha256.o"
clang -O2 -fsanitize=address -c "$root/Sources/CSHA256/sha256.c" -I "$root/Sources/CSHA256/include" -o "$csha_object" || exit 1
csha=(-I "$root/Sources/CSHA256/include" "$csha_object")
quiet() { grep -v "Cannot export local symbol" || true; }

# GoodwillCore as a static library with its module, for targets built on it (once per run;
# targets may build in parallel, so each builds into its own folder).
core_library() {
  lib="$FUZZ_DIR/bin/core-$target"
  mkdir -p "$lib"
  swiftc "${flags[@]}" -module-name GoodwillCore -emit-module -emit-library -static -I "$root/Sources/CSHA256/include" \
    -emit-module-path "$lib/GoodwillCore.swiftmodule" $(sources GoodwillCore) -o "$lib/libGoodwillCore.a" 2>&1 | quiet
}

build() {
  local target="$1" out="$FUZZ_DIR/bin/fuzz-$1"
  case "$target" in
    http-parser)
      swiftc "${flags[@]}" -module-name HTTPServer $(sources HTTPServer) "$root/Benchmarks/fuzz/http-parser.swift" -o "$out" 2>&1 | quiet ;;
    money|voucher-code)
      swiftc "${flags[@]}" -module-name GoodwillCore "${csha[@]}" $(sources GoodwillCore) "$root/Benchmarks/fuzz/$target.swift" -o "$out" 2>&1 | quiet ;;
    policy-loader)
      core_library
      swiftc "${flags[@]}" -module-name PolicyEngine -I "$lib" -L "$lib" -lGoodwillCore "${csha[@]}" \
        $(sources PolicyEngine) "$root/Benchmarks/fuzz/policy-loader.swift" -o "$out" 2>&1 | quiet ;;
    redemption-body)
      # FastBody.swift (it holds RedemptionBody too) and the gate it must never be more lenient
      # than, not the whole API module.
      core_library
      swiftc "${flags[@]}" -module-name GoodwillAPI -I "$lib" -L "$lib" -lGoodwillCore "${csha[@]}" \
        "$root/Sources/GoodwillAPI/Handlers/FastBody.swift" "$root/Sources/GoodwillAPI/Handlers/JSONKeys.swift" \
        "$root/Benchmarks/fuzz/redemption-body.swift" -o "$out" 2>&1 | quiet ;;
    json-gate)
      # JSONKeys.swift alone: Foundation only.
      swiftc "${flags[@]}" -module-name GoodwillAPI \
        "$root/Sources/GoodwillAPI/Handlers/JSONKeys.swift" "$root/Benchmarks/fuzz/json-gate.swift" -o "$out" 2>&1 | quiet ;;
    *) echo "unknown fuzz target '$target'; known: http-parser money voucher-code policy-loader redemption-body json-gate" >&2; return 1 ;;
  esac
  [ -x "$out" ]
}

run() {
  local target="$1" corpus="$FUZZ_DIR/corpus/$1" crashes="$FUZZ_DIR/crashes/$1" log="$FUZZ_DIR/$1.log"
  mkdir -p "$corpus" "$crashes"
  cp "$root/Benchmarks/fuzz/seeds/$target/"* "$corpus/" 2>/dev/null || true
  if [ "$target" = policy-loader ]; then
    cp "$root"/Policies/*.json "$root"/Fixtures/policies-broken/*.json "$corpus/" 2>/dev/null || true
  fi
  if ! build "$target"; then echo "$target: build failed" >&2; echo "$target build-failed" >"$FUZZ_DIR/$target.result"; return; fi
  # -rss_limit_mb: a leak or unbounded buffer shows up as a crash, not a slow machine.
  "$FUZZ_DIR/bin/fuzz-$target" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 -rss_limit_mb=2048 \
    -max_len=8192 -timeout=10 -artifact_prefix="$crashes/" "$corpus" >"$log" 2>&1
  local rc=$?
  local execs; execs="$(awk '/stat::number_of_executed_units/ {print $2}' "$log")"
  local crashed; crashed="$(find "$crashes" -type f -newer "$FUZZ_DIR/bin/fuzz-$target" | wc -l)"
  echo "$target ${execs:-0} $crashed $rc" >"$FUZZ_DIR/$target.result"
}

start=$(date +%s)
FUZZ_JOBS="${FUZZ_JOBS:-1}"
active=0
for target in $FUZZ_TARGETS; do
  rm -f "$FUZZ_DIR/$target.result"
  run "$target" &
  active=$((active + 1))
  if [ "$active" -ge "$FUZZ_JOBS" ]; then wait -n; active=$((active - 1)); fi
done
wait

status=0
total_execs=0
printf '%-14s %12s %8s  %s\n' target executions crashes note
for target in $FUZZ_TARGETS; do
  read -r _ execs crashed rc <"$FUZZ_DIR/$target.result" || { execs=0; crashed=0; rc=1; }
  if [ "$execs" = build-failed ]; then
    printf '%-14s %12s %8s  %s\n' "$target" - - "build failed"; status=1; continue
  fi
  note="ok"
  if [ "$crashed" -gt 0 ] || [ "$rc" -ne 0 ]; then
    status=1
    note="CRASH (exit $rc): see $FUZZ_DIR/$target.log and $FUZZ_DIR/crashes/$target/"
    grep -m1 -E "Fatal error|ERROR: AddressSanitizer|ERROR: libFuzzer" "$FUZZ_DIR/$target.log" | sed 's/^/    /' >&2 || true
  fi
  total_execs=$((total_execs + execs))
  printf '%-14s %12s %8s  %s\n' "$target" "$execs" "$crashed" "$note"
done
echo "total executions: $total_execs in $(( $(date +%s) - start )) s (FUZZ_SECONDS=$FUZZ_SECONDS per target)"
exit $status
