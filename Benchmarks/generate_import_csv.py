#!/usr/bin/env python3
"""Writes a CSV book of vouchers for `goodwill import vouchers` (the import benchmark).

usage: generate_import_csv.py FILE COUNT [BAD_LINE]
  COUNT rows in SEK and EUR, old-style codes (LEGACY-000001…), issued over the two years before
  2026-03-01, 12 months' validity (so some are expired, most live), about one in four partly used,
  one holder per 3 vouchers, names with commas (quoted) and an experience on every other row.
  With BAD_LINE, that line (the header is line 1) gets a balance above its value.
"""
import datetime as dt, random, sys

path, count = sys.argv[1], int(sys.argv[2])
bad = int(sys.argv[3]) if len(sys.argv) > 3 else 0
rng = random.Random(42)
start = dt.date(2024, 3, 1)
experiences = ["Rooftop walk", "Spa day, with lunch", "Dinner for two", "Kayak tour", ""]
with open(path, "w", newline="") as f:
    f.write("code,value,balance,currency,issued,expires,holder_email,holder_name,purchaser_email,purchaser_name,experience,kind\r\n")
    for i in range(1, count + 1):
        cur = "EUR" if i % 20 == 0 else "SEK"
        value = rng.choice([300, 500, 750, 1000, 1500]) * (1 if cur == "SEK" else 1) 
        balance = value if rng.random() < 0.75 else round(value * rng.random(), 2)
        if i + 1 == bad:
            balance = value + 1
        issued = start + dt.timedelta(days=rng.randrange(730))
        expires = dt.date(issued.year + 1, issued.month, min(issued.day, 28))
        h = i // 3
        exp = experiences[i % len(experiences)]
        exp_field = f'"{exp}"' if "," in exp else exp
        f.write(f"LEGACY-{i:07d},{value},{balance},{cur},{issued},{expires},holder{h}@example.se,\"Holder {h}, Jr\","
                f"{'giver%d@example.se' % (h % 1000) if i % 4 == 0 else ''},,{exp_field},\r\n")
