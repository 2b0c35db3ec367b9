"""Soak: mixed load (issue, redeem, read, list; the server's reminder loop running over vouchers
that are due for reminders) for SOAK_MINUTES, the server's RSS sampled every SAMPLE_SECONDS.
Prints the series. Fails if RSS ever exceeds RSS_BOUND_MB, if it grows by more than
GROWTH_BOUND_MB from the first sample after warm-up to the last, on any 5xx, or if verify fails.

usage: soak.py BINARY WORKDIR   (env: SOAK_MINUTES (30), SAMPLE_SECONDS (60), CLIENTS (4),
                                  PAUSE_MS (20, per client between requests), RSS_BOUND_MB (200),
                                  GROWTH_BOUND_MB (32))"""
import datetime
import os
import random
import subprocess
import sys
import threading
import time

from proofkit import finish, Goodwill, new_key, request, sek, sqlite_rows, verify

SOAK_MINUTES = float(os.environ.get("SOAK_MINUTES", "30"))
SAMPLE_SECONDS = float(os.environ.get("SAMPLE_SECONDS", "60"))
CLIENTS = int(os.environ.get("CLIENTS", "4"))
PAUSE = float(os.environ.get("PAUSE_MS", "20")) / 1000
RSS_BOUND_MB = float(os.environ.get("RSS_BOUND_MB", "200"))
GROWTH_BOUND_MB = float(os.environ.get("GROWTH_BOUND_MB", "32"))

binary, workdir = sys.argv[1], sys.argv[2]
# Reminders go to a maildir in the work folder, never to the network.
g = Goodwill(binary, workdir, env={"GOODWILL_CHANNEL": "maildir"})
g.cli("init")
admin = g.create_key("admin", "soak")
# Vouchers issued 60 days ago (GOODWILL_NOW) that expire within the month: their 30/7/1-day
# reminders are due, so the server's reminder loop has real work (sweep, render, maildir).
issued_at = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=60)).strftime("%Y-%m-%dT10:00:00Z")
BACKDATED = int(os.environ.get("BACKDATED", "60"))
for n in range(BACKDATED):
    last = datetime.date.today() + datetime.timedelta(days=1 + n % 30)
    subprocess.run([binary, "issue", "--amount", "500", "--currency", "SEK", "--expires", last.isoformat(),
                    "--holder-email", f"early{n}@example.com", "--holder-name", "Early Bird", "--holder-locale", "sv",
                    "--db", g.db], env=dict(g.env, GOODWILL_NOW=issued_at), check=True, capture_output=True)
g.start(quiet=True)
stop = threading.Event()
lock = threading.Lock()
counts = {"issue": 0, "redeem": 0, "read": 0, "list": 0, "4xx": 0, "5xx": 0, "errors": 0}
vouchers = []
today = datetime.date.today()


def client(n):
    rng = random.Random(n)
    while not stop.is_set():
        r = rng.random()
        try:
            with lock:
                pool = vouchers[-500:]
            if r < 0.2 or not pool:
                # Last valid day 1–40 days ahead: the reminder loop finds 30/7/1-day reminders due.
                last = today + datetime.timedelta(days=rng.randint(1, 40))
                body = {"value": sek(rng.choice([20_000, 50_000, 100_000])), "validity": {"last_day": last.isoformat()},
                        "time_zone": "Europe/Stockholm",
                        "holder": {"email": f"soak{rng.randint(0, 5000)}@example.com", "name": "Soak Test", "locale": "sv"}}
                s, a, _ = request(g.port, "POST", "/v1/vouchers", body, key=admin, idem=new_key())
                op = "issue"
                if s == 201:
                    with lock:
                        vouchers.append(a["id"])
            elif r < 0.6:
                s, _, _ = request(g.port, "POST", f"/v1/vouchers/{rng.choice(pool)}/redemptions",
                                  {"amount": sek(rng.choice([100, 500, 2_500]))}, key=admin, idem=new_key())
                op = "redeem"
            elif r < 0.9:
                s, _, _ = request(g.port, "GET", f"/v1/vouchers/{rng.choice(pool)}", key=admin)
                op = "read"
            else:
                s, _, _ = request(g.port, "GET", "/v1/vouchers?limit=50", key=admin)
                op = "list"
            with lock:
                counts[op] += 1
                if 400 <= s < 500:
                    counts["4xx"] += 1
                elif s >= 500:
                    counts["5xx"] += 1
        except OSError:
            with lock:
                counts["errors"] += 1
        time.sleep(PAUSE)


threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
[t.start() for t in threads]
series = []
start = time.monotonic()
try:
    while time.monotonic() - start < SOAK_MINUTES * 60:
        time.sleep(min(SAMPLE_SECONDS, max(0.1, SOAK_MINUTES * 60 - (time.monotonic() - start))))
        kb = g.rss_kb()
        with lock:
            done = sum(counts[k] for k in ("issue", "redeem", "read", "list"))
        series.append((time.monotonic() - start, (kb or 0) / 1024, done))
        print(f"  t={series[-1][0]:7.0f} s  RSS {series[-1][1]:6.1f} MB  requests {done}", flush=True)
        if g.proc.poll() is not None:
            break
finally:
    stop.set()
    [t.join() for t in threads]
    alive = g.proc.poll() is None
    g.stop()

outbox = sqlite_rows(g.db, "SELECT status, count(*) FROM reminder_outbox GROUP BY status")
ok, vtext = verify(g)
peak = max(m for _, m, _ in series) if series else 0
first = series[0][1] if series else 0
growth = series[-1][1] - first if series else 0
total = sum(counts[k] for k in ("issue", "redeem", "read", "list"))
print(f"soak: {SOAK_MINUTES:g} min, {CLIENTS} clients, {total} requests {counts}")
print(f"reminder outbox at the end: {dict(outbox)}")
print(f"RSS: first sample {first:.1f} MB, peak {peak:.1f} MB, growth first→last {growth:+.1f} MB "
      f"(bounds: peak ≤ {RSS_BOUND_MB:g} MB, growth ≤ {GROWTH_BOUND_MB:g} MB)")
print(f"goodwill verify: {'ok' if ok else 'FAILED'}; server alive until stopped: {alive}")
problems = []
if not alive:
    problems.append("the server died")
if peak > RSS_BOUND_MB:
    problems.append(f"peak RSS {peak:.1f} MB over {RSS_BOUND_MB:g} MB")
if growth > GROWTH_BOUND_MB:
    problems.append(f"RSS grew {growth:.1f} MB, over {GROWTH_BOUND_MB:g} MB")
if counts["5xx"] or counts["errors"]:
    problems.append(f"{counts['5xx']} 5xx answers, {counts['errors']} connection errors")
if not ok:
    problems.append(vtext[:300])
if not outbox and BACKDATED:
    problems.append("the reminder loop wrote nothing to the outbox")
finish(problems, "soak passed")
