#!/usr/bin/env bash
# Reminder benchmarks (release build):
#  1. the sweep among 1,000,000 vouchers: the first run (a catch-up burst, enqueued at night so
#     nothing is delivered yet), then a steady-state run a minute later, plus EXPLAIN QUERY PLAN
#     showing the candidate query walks the (status, expires_at) index;
#  2. how many messages a second the maildir channel delivers (fsync per message).
# usage: Benchmarks/reminders.sh [VOUCHERS] [MAILDIR_MESSAGES]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N=${1:-1000000}
M=${2:-2000}
swift build -c release -j 2 --product goodwill >/dev/null
BIN="$PWD/.build/release/goodwill"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export GOODWILL_SYNCHRONOUS=normal GOODWILL_MESSAGES="$PWD/Policies/messages"
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }

echo "== generating $N vouchers (expiries spread over the next 365 days)"
export GOODWILL_DB="$WORK/big.db"
GOODWILL_NOW=2026-03-01T01:00:00Z "$BIN" init >/dev/null 2>&1
python3 Benchmarks/generate_vouchers.py "$GOODWILL_DB" "$N" 2026-03-01T01:00:00Z 365

echo "== EXPLAIN QUERY PLAN of the 30-day candidate query"
sqlite3 "$GOODWILL_DB" "EXPLAIN QUERY PLAN
  SELECT v.id, v.code, v.issuer, v.issued_at, v.last_valid_day, v.expires_at, v.time_zone, h.time_zone
  FROM vouchers v JOIN holders h ON h.id = v.holder_id
  WHERE v.status = 'active' AND v.expires_at > 1772326800000 AND v.expires_at <= 1775091600000
    AND h.email IS NOT NULL AND h.erased_at IS NULL
    AND NOT EXISTS (SELECT 1 FROM reminder_outbox o WHERE o.voucher_id = v.id AND o.kind = 'expiry_reminder'
                    AND o.days_before <= 30 AND o.expires_at = v.expires_at AND o.cancel_kind IS NOT 'dropped')"

echo "== EXPLAIN QUERY PLAN of the gift-notice query (the opt-in table stays outermost)"
sqlite3 "$GOODWILL_DB" "EXPLAIN QUERY PLAN
  SELECT v.id FROM reminder_preferences p CROSS JOIN vouchers v ON v.id = p.voucher_id CROSS JOIN holders pu ON pu.id = v.purchaser_id
  WHERE p.notify_purchaser = 1 AND v.status = 'active' AND v.balance = v.value AND v.expires_at > 1772326800000
    AND pu.email IS NOT NULL AND pu.erased_at IS NULL
    AND NOT EXISTS (SELECT 1 FROM reminder_outbox o WHERE o.voucher_id = v.id AND o.kind = 'gift_notice' AND o.expires_at = v.expires_at
                    AND o.cancel_kind IS NOT 'dropped')"

# 02:00Z is 03:00 in Stockholm: due reminders are enqueued for 08:00 and nothing is sent yet.
t0=$(now); GOODWILL_NOW=2026-03-01T02:00:00Z "$BIN" reminders run --maildir "$WORK/maildir-big" --json 2>/dev/null > "$WORK/first.json"; t1=$(now)
first=$(python3 -c "import json;r=json.load(open('$WORK/first.json'));print(len(r['enqueued']), len(r['deliveries']))")
echo "first sweep (catch-up burst; reads the ledger cursor over all entries): enqueued ${first% *} in $(secs $t0 $t1) s, delivered ${first#* } (03:00 in Stockholm)"
echo "rows the 30-day candidate query still hands to Swift after that sweep (slots not yet due):"
sqlite3 "$GOODWILL_DB" "SELECT count(*)
  FROM vouchers v JOIN holders h ON h.id = v.holder_id
  WHERE v.status = 'active' AND v.expires_at > 1772330460000 AND v.expires_at <= 1775095260000
    AND h.email IS NOT NULL AND h.erased_at IS NULL
    AND NOT EXISTS (SELECT 1 FROM reminder_outbox o WHERE o.voucher_id = v.id AND o.kind = 'expiry_reminder'
                    AND o.days_before <= 30 AND o.expires_at = v.expires_at AND o.cancel_kind IS NOT 'dropped')"
t0=$(now); GOODWILL_NOW=2026-03-01T02:01:00Z "$BIN" reminders run --dry-run --json 2>/dev/null > "$WORK/dry.json"; t1=$(now)
dry=$(python3 -c "import json;r=json.load(open('$WORK/dry.json'));print(len(r['enqueued']))")
echo "steady sweep a minute later (dry run, whole CLI process): found $dry new in $(secs $t0 $t1) s"
t0=$(now); GOODWILL_NOW=2026-03-01T02:02:00Z "$BIN" reminders run --maildir "$WORK/maildir-big" >/dev/null 2>&1; t1=$(now)
echo "steady sweep (real run, nothing due until 08:00): $(secs $t0 $t1) s"
# A day later: the vouchers whose 30/7/1-day step came due overnight.
t0=$(now); GOODWILL_NOW=2026-03-02T02:00:00Z "$BIN" reminders run --dry-run --json 2>/dev/null > "$WORK/day.json"; t1=$(now)
day=$(python3 -c "import json;r=json.load(open('$WORK/day.json'));print(len(r['enqueued']))")
echo "next day's sweep (dry run): found $day due in $(secs $t0 $t1) s"

echo "== maildir delivery of $M messages"
export GOODWILL_DB="$WORK/mail.db"
GOODWILL_NOW=2026-03-01T01:00:00Z "$BIN" init >/dev/null 2>&1
# Issued 335 days before 2026-03-01: all last valid on 2026-03-31, so the 30-day step is due 2026-03-01 10:00.
python3 Benchmarks/generate_vouchers.py "$GOODWILL_DB" "$M" 2025-03-31T12:00:00Z 1 >/dev/null
t0=$(now); GOODWILL_NOW=2026-03-01T09:00:00Z "$BIN" reminders run --maildir "$WORK/maildir" --json 2>/dev/null > "$WORK/mail.json"; t1=$(now)
sent=$(python3 -c "import json;r=json.load(open('$WORK/mail.json'));print(sum(1 for d in r['deliveries'] if d['result']=='sent'))")
files=$(ls "$WORK/maildir/new" | wc -l)
echo "delivered $sent messages ($files files) in $(secs $t0 $t1) s: $(python3 -c "print(f'{$sent / ($t1 - $t0):.0f}')") messages/s (sweep included)"
GOODWILL_NOW=2026-03-01T09:00:00Z "$BIN" verify >/dev/null 2>&1 && echo "goodwill verify: OK on the generated ledger"
