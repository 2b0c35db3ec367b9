# Sourced by the proof scripts. Prints the path of the release `goodwill`, building it first
# unless GOODWILL_BIN names one.
goodwill_release_binary() {
  if [ -n "${GOODWILL_BIN:-}" ]; then echo "$GOODWILL_BIN"; return; fi
  (cd "$root" && swift build -c release --product goodwill >&2)
  echo "$(cd "$root" && swift build -c release --show-bin-path)/goodwill"
}

# Runs Benchmarks/proof/NAME.py against the release binary in a fresh work folder that is
# removed afterwards, whatever the driver's outcome; exits with the driver's status.
run_proof_driver() {
  local name=$1 work bin
  work="$(mktemp -d)"
  trap "rm -rf '$work'" EXIT
  bin="$(goodwill_release_binary)"
  python3 "$root/Benchmarks/proof/$name.py" "$bin" "$work"
}
