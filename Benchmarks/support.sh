#!/usr/bin/env bash
# Support and finance benchmarks (release build):
#  1. `goodwill import vouchers` of N generated rows (default 1,000,000) into an empty database:
#     one write transaction, prepared statements, hash chain kept in memory. Target: under 30 s.
#  2. `goodwill report liability` over them (one pass over the vouchers table). Target: under 1 s.
#  3. The same file with one bad row: everything validated, nothing stored, the row named.
#  plus `goodwill verify`, `report reconciliation`, `report ageing`, `report curves` and
#  `report rollforward` (over 2025) over the imported book.
# usage: Benchmarks/support.sh [ROWS]
#   SUPPORT_IMPORT_ONLY=1: only generate and import the book (step 1), for iterating on the import.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N=${1:-1000000}
swift build -c release -j 2 --product goodwill >/dev/null
BIN="$PWD/.build/release/goodwill"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# synchronous=NORMAL in WAL mode: a power cut may lose the last commit, never corrupt the file
# (https://sqlite.org/pragma.html#pragma_synchronous). An import is one commit, so the only thing
# at risk is the import itself, which can be run again. The ledger's own default stays FULL.
export GOODWILL_SYNCHRONOUS=normal GOODWILL_NOW=2026-03-01T10:00:00Z
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }

echo "== generating $N rows"
python3 Benchmarks/generate_import_csv.py "$WORK/book.csv" "$N"
[ "${SUPPORT_IMPORT_ONLY:-0}" = 1 ] || python3 Benchmarks/generate_import_csv.py "$WORK/bad.csv" "$N" $((N / 2 + 1))
ls -l "$WORK/book.csv" | awk '{printf "book.csv: %.0f MB\n", $5 / 1048576}'

export GOODWILL_DB="$WORK/big.db"
t0=$(now); "$BIN" import vouchers "$WORK/book.csv" 2>/dev/null; t1=$(now)
echo "import of $N vouchers: $(secs $t0 $t1) s (load: $(cut -d' ' -f1-3 /proc/loadavg))"
[ "${SUPPORT_IMPORT_ONLY:-0}" = 1 ] && exit 0

t0=$(now); "$BIN" report liability --format csv 2>/dev/null > "$WORK/liability.csv"; t1=$(now)
echo "report liability over $N vouchers: $(secs $t0 $t1) s ($(($(wc -l < "$WORK/liability.csv") - 1)) currency/month rows)"
head -4 "$WORK/liability.csv"
echo "EXPLAIN QUERY PLAN of the liability query:"
sqlite3 "$GOODWILL_DB" "EXPLAIN QUERY PLAN SELECT currency, coalesce(substr(last_valid_day, 1, 7), 'none'), count(*), sum(balance) FROM vouchers NOT INDEXED
  WHERE (status = 'active' AND (expires_at IS NULL OR expires_at > 0)) OR status = 'blocked' GROUP BY 1, 2" 2>/dev/null || echo "(sqlite3 not installed)"

t0=$(now); "$BIN" report reconciliation 2>/dev/null | tail -1; t1=$(now)
echo "report reconciliation: $(secs $t0 $t1) s"
t0=$(now); "$BIN" report ageing 2>/dev/null > /dev/null; t1=$(now)
echo "report ageing: $(secs $t0 $t1) s"
t0=$(now); "$BIN" report curves 2>/dev/null > /dev/null; t1=$(now)
echo "report curves: $(secs $t0 $t1) s"
t0=$(now); "$BIN" report rollforward --from 2025-01-01 --to 2025-12-31 2>/dev/null | tail -1; t1=$(now)
echo "report rollforward over 2025: $(secs $t0 $t1) s"
t0=$(now); "$BIN" verify 2>/dev/null | head -1; t1=$(now)
echo "verify: $(secs $t0 $t1) s"

export GOODWILL_DB="$WORK/empty.db"
t0=$(now); set +e; "$BIN" import vouchers "$WORK/bad.csv" 2> "$WORK/bad.err" >/dev/null; rc=$?; set -e; t1=$(now)
echo "import with one bad row among $N: exit $rc in $(secs $t0 $t1) s; $(grep -c '^line ' "$WORK/bad.err") row named: $(grep '^line ' "$WORK/bad.err")"
# A refused import stores nothing, and removes the database it created (README, "The database").
if [[ -e "$GOODWILL_DB" ]]; then "$BIN" report liability 2>/dev/null | tail -1; else echo "nothing stored: no database was left at $GOODWILL_DB"; fi
