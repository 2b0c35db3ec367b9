# Sourced by the proof scripts. Prints the path of the release `goodwill`, building it first
# unless GOODWILL_BIN names one.
goodwill_release_binary() {
  if [ -n "${GOODWILL_BIN:-}" ]; then echo "$GOODWILL_BIN"; return; fi
  (cd "$root" && swift build -c release --product goodwill >&2)
  echo "$(cd "$root" && swift build -c release --show-bin-path)/goodwill"
}
