#!/usr/bin/env python3
"""Fills a migrated Goodwill database with schema-correct vouchers for benchmarks.

Each voucher gets a holder, a voucher row and its 'issued' ledger entry with the real hash chain
(LedgerEntry.canonicalContent, SHA-256 over the previous hash), so 'goodwill verify' accepts the file.

usage: generate_vouchers.py DB COUNT NOW_RFC3339 SPREAD_DAYS
  Vouchers are issued on the SPREAD_DAYS days before NOW (12 months' validity, Europe/Stockholm),
  so their last valid days spread evenly over the coming SPREAD_DAYS days.
"""
import datetime as dt, hashlib, sqlite3, sys
from zoneinfo import ZoneInfo

db, count, now_text, spread = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
zone = ZoneInfo("Europe/Stockholm")
now = dt.datetime.fromisoformat(now_text.replace("Z", "+00:00"))
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

def ms(t): return int(t.timestamp() * 1000)

def add_months(d, n):
    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    m += 1
    last = [31, 29 if (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return dt.date(y, m, min(d.day, last))

def field(s):
    b = s.encode()
    return str(len(b)).encode() + b":" + b + b"|"

def code(i):
    # Legacy-style codes (no check symbol): unique and in the alphabet.
    s, n = "", i
    for _ in range(12):
        s = ALPHABET[n % 32] + s; n //= 32
    return "BN" + s

con = sqlite3.connect(db)
con.execute("PRAGMA synchronous = OFF")
con.execute("PRAGMA journal_mode = WAL")
head = con.execute("SELECT coalesce(max(id), 0), hash FROM entries ORDER BY id DESC LIMIT 1").fetchone()
entry_id = head[0] if head and head[0] else 0
prev = head[1] if head and head[1] else bytes(32)
days = {}
holders, vouchers, entries = [], [], []
for i in range(count):
    k = i % spread
    issued_local = (now.astimezone(zone) - dt.timedelta(days=spread - 1 - k)).date()
    if k not in days:
        last = add_months(issued_local, 12)
        end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
        issued_at = dt.datetime.combine(issued_local, dt.time(11), tzinfo=zone)
        days[k] = (last.isoformat(), ms(end), ms(issued_at))
    last, expires, issued = days[k]
    vid, hid = f"vch_bench{i:011d}", f"hld_bench{i:011d}"
    c = code(i)
    holders.append((hid, f"h{i}@example.com", f"h{i}@example.com", f"Holder {i}", "sv" if i % 2 else "en", issued))
    vouchers.append((vid, c, c, "default", "experience", "active", "SEK", 50000, 50000, issued, last, expires,
                     "Europe/Stockholm", hid, "Rooftop walk"))
    entry_id += 1
    content = b"".join([field("gw1"), field(str(entry_id)), field(vid), field("issued"), field("50000"), field("50000"),
                        field("SEK"), field(str(issued)), field("bench"), b"-|", b"-|", b"-|", b"-|",
                        field(f"{last}/Europe/Stockholm/{expires}"), field("active"), b"-|"])
    h = hashlib.sha256(prev + content).digest()
    entries.append((entry_id, vid, "issued", 50000, 50000, "SEK", issued, "bench", last, "Europe/Stockholm", expires, "active", prev, h))
    prev = h
    if len(vouchers) == 20000 or i == count - 1:
        con.executemany("INSERT INTO holders (id, email_key, email, name, locale, first_seen_at) VALUES (?,?,?,?,?,?)", holders)
        con.executemany("""INSERT INTO vouchers (id, code, code_key, issuer, kind, status, currency, value, balance, issued_at,
            last_valid_day, expires_at, time_zone, holder_id, experience) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", vouchers)
        con.executemany("""INSERT INTO entries (id, voucher_id, kind, amount, balance_after, currency, at, actor,
            last_valid_day_after, time_zone_after, expires_at_after, status_after, prev_hash, hash)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", entries)
        con.commit()
        holders, vouchers, entries = [], [], []
con.execute("ANALYZE")
con.commit()
print(f"generated {count} vouchers")
