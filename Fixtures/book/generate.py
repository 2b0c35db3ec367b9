#!/usr/bin/env python3
"""Generates Fixtures/book/events.jsonl: a realistic, deterministic book of about 3,000 vouchers
sold by a Swedish experience company, with two and a half years of history (issues, partial
redemptions, a few reversals, voids, blocks and refunds, holders calling after expiry) and one
holder who has been a customer since 2016. Replayed through the ledger by `goodwill fixtures load`.
Run it again only to change the fixture; the file is committed so tests never depend on Python."""
import datetime as dt, json, pathlib, random

rng = random.Random(2026)
out = pathlib.Path(__file__).with_name("events.jsonl")
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.timezone.utc)
START = dt.datetime(2024, 6, 1, 8, 0, tzinfo=dt.timezone.utc)

FIRST = {"sv": ["Anna", "Erik", "Karin", "Lars", "Maja", "Olof", "Sara", "Johan", "Ingrid", "Nils", "Elsa", "Gustav"],
         "en": ["Emily", "James", "Olivia", "Harry", "Grace", "Thomas"],
         "nb": ["Ingrid", "Ola", "Kari", "Sindre", "Nora"],
         "da": ["Mette", "Søren", "Freja", "Mads", "Ida"],
         "fi": ["Aino", "Mikko", "Sanna", "Juha", "Elina"]}
LAST = {"sv": ["Lind", "Andersson", "Öberg", "Nyström", "Åkesson", "Berg", "Holm", "Sjöberg"],
        "en": ["Smith", "Brown", "Taylor", "Wilson", "Evans"],
        "nb": ["Hansen", "Johansen", "Olsen", "Bakke"],
        "da": ["Jensen", "Nielsen", "Sørensen", "Rasmussen"],
        "fi": ["Virtanen", "Korhonen", "Mäkinen", "Nieminen"]}
ZONES = {"sv": "Europe/Stockholm", "en": "Europe/London", "nb": "Europe/Oslo", "da": "Europe/Copenhagen", "fi": "Europe/Helsinki"}
EXPERIENCES = [("Rooftop walk for two", 179000), ("Spa day for two", 249000), ("Tasting menu for two", 189000),
               ("Kayak tour in the archipelago", 89500), ("Sauna and cold bath", 49500), ("Cooking class", 129000),
               ("Hot air balloon flight", 395000), ("Wine tasting evening", 79500), ("Horse riding in the forest", 99500),
               ("Northern lights weekend", 690000)]
GIFT_CARDS = [50000, 100000, 150000, 200000, 300000, 500000]
REASONS = ["holder called: did not see the date", "the gift was forgotten in a drawer", "holder was ill in the spring",
           "holder moved abroad for a while", "asked in the chat", "booking was full until after expiry"]
MESSAGES = ["Grattis på 40-årsdagen! Kram", "Happy birthday, enjoy!", "Tack för allt i år", "Till världens bästa mamma",
            None, None, None]

events = []
def ev(at, op, **kw):
    d = {"at": at.strftime("%Y-%m-%dT%H:%M:%SZ"), "op": op}
    d.update({k: v for k, v in kw.items() if v is not None})
    events.append(d)

people = []
def person(lang=None):
    lang = lang or rng.choices(["sv", "en", "nb", "da", "fi"], [55, 15, 10, 10, 10])[0]
    first, last = rng.choice(FIRST[lang]), rng.choice(LAST[lang])
    email = f"{first}.{last}{rng.randint(1, 999)}@example.{'se' if lang == 'sv' else 'com'}".lower()
    email = email.replace("ö", "o").replace("å", "a").replace("ä", "a").replace("ø", "o")
    p = {"email": email, "name": f"{first} {last}", "locale": lang, "time_zone": ZONES[lang]}
    people.append(p)
    return p

def later(at, lo_days, hi_days):
    return at + dt.timedelta(days=rng.uniform(lo_days, hi_days), minutes=rng.randint(0, 600))

count = 0
def voucher(at, holder, purchaser, months=12, kind=None, no_expiry=False):
    global count
    count += 1
    ref = f"v{count}"
    if kind is None:
        kind = "experience" if rng.random() < 0.7 else "gift_card"
    if kind == "experience":
        name, amount = rng.choice(EXPERIENCES)
    else:
        name, amount = None, rng.choice(GIFT_CARDS)
    currency = "EUR" if holder and holder["locale"] == "fi" and kind == "gift_card" else "SEK"
    if currency == "EUR":
        amount = amount // 10
    ev(at, "issue", ref=ref, amount=amount, currency=currency, months=None if no_expiry else months,
       no_expiry=True if no_expiry else None, holder=holder, purchaser=purchaser, kind=kind, experience=name,
       message=rng.choice(MESSAGES) if purchaser else None, actor="webshop")
    expiry = None if no_expiry else at + dt.timedelta(days=months * 30.4)
    fate = rng.random()
    balance = amount
    redemptions = 0
    if fate < 0.55:        # used in full, in one to three visits before expiry
        visits = 1 if kind == "experience" else rng.randint(1, 3)
        end = expiry or at + dt.timedelta(days=500)
        when = at
        for i in range(visits):
            when = later(when, 5, max(6, ((end - when).days - 1) / (visits - i)))
            if when >= NOW or (expiry and when >= expiry):
                break
            take = balance if i == visits - 1 else balance // 2
            ev(when, "redeem", ref=ref, amount=take, reference=f"booking {rng.randint(10000, 99999)}", actor=f"till-{rng.randint(1, 4)}")
            balance -= take
            redemptions += 1
            if rng.random() < 0.03:     # the wrong voucher was scanned; put it back and take it again
                ev(when + dt.timedelta(minutes=3), "reverse", ref=ref, redemption=redemptions, reason="wrong voucher scanned", actor="support:maria")
                ev(when + dt.timedelta(minutes=5), "redeem", ref=ref, amount=take, actor=f"till-{rng.randint(1, 4)}")
                redemptions += 1
    elif fate < 0.72 and kind == "gift_card":   # partly used, the rest left to expire
        when = later(at, 10, 200)
        if when < NOW and (not expiry or when < expiry):
            take = balance // 3
            ev(when, "redeem", ref=ref, amount=take, actor=f"till-{rng.randint(1, 4)}")
            balance -= take
    if balance > 0 and expiry and expiry < NOW:
        r = rng.random()
        if r < 0.30:           # the holder calls after expiry
            asked = later(expiry, 1, 120)
            if asked < NOW:
                ev(asked, "extend", ref=ref, reason=rng.choice(REASONS), requester="holder", actor="support:maria")
                if rng.random() < 0.6:
                    ev(asked + dt.timedelta(days=rng.randint(3, 20)), "redeem", ref=ref, amount=balance, actor="till-1")
        elif r < 0.33:         # refund of the rest (a customer who leaves)
            ev(later(expiry, -60, -1), "refund", ref=ref, reference=f"payout-{rng.randint(1000, 9999)}", reason="customer asked to cash out", actor="finance")
    rare = rng.random()
    if rare < 0.01:
        ev(later(at, 0, 2), "void", ref=ref, reason="issued twice by mistake", actor="support:maria")
    elif rare < 0.015:
        b = later(at, 1, 30)
        ev(b, "block", ref=ref, reason="card payment disputed", actor="support:jonas")
        ev(later(b, 2, 10), "unblock", ref=ref, reason="dispute resolved in our favour", actor="support:jonas")

# One holder with a long history: first voucher in 2016, a gift every year since.
margareta = {"email": "margareta.holm@example.se", "name": "Margareta Holm", "locale": "sv", "time_zone": "Europe/Stockholm"}
for year in range(2016, 2026):
    at = dt.datetime(year, 12, 10, 11, 0, tzinfo=dt.timezone.utc)
    voucher(at, margareta, person("sv"), months=12, kind="experience")
    ev(at + dt.timedelta(days=1), "sweep")

day = START
while day < NOW:
    for _ in range(rng.choices([1, 2, 3, 4, 5, 6], [10, 20, 25, 20, 15, 10])[0]):
        at = day + dt.timedelta(minutes=rng.randint(0, 600))
        gift = rng.random() < 0.6
        holder = rng.choice(people) if people and rng.random() < 0.15 else person()
        purchaser = person() if gift else None
        months = rng.choices([12, 6, 24], [80, 10, 10])[0]
        voucher(at, holder, purchaser, months=months, no_expiry=rng.random() < 0.08)
    day += dt.timedelta(days=1)

# The ledger runs its expiry sweep every morning.
day = START.replace(hour=5)
while day < NOW:
    ev(day, "sweep")
    day += dt.timedelta(days=1)

events = [e for e in events if e["at"] < NOW.strftime("%Y-%m-%dT%H:%M:%SZ")]
events.sort(key=lambda e: (e["at"], 0 if e["op"] == "issue" else 1))
with out.open("w") as f:
    for e in events:
        f.write(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n")
print(f"{len(events)} events, {count} vouchers -> {out}")
