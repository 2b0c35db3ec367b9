"""Crash test: clients issue and redeem with idempotency keys while the server is killed with
SIGKILL at random moments and restarted. Every request is retried with the same key and body
until it gets an answer. Afterwards the ledger must hold exactly the acknowledged writes, each
once, `goodwill verify` must pass and no balance may be negative.

usage: crash.py BINARY WORKDIR   (env: KILLS, CLIENTS, MIN_GAP, MAX_GAP)"""
import os
import random
import sys
import threading
import time

from proofkit import finish, Goodwill, issue_body, log, new_key, request, sek, sqlite_rows, verify

KILLS = int(os.environ.get("KILLS", "20"))
CLIENTS = int(os.environ.get("CLIENTS", "4"))
MIN_GAP = float(os.environ.get("MIN_GAP", "0.05"))
MAX_GAP = float(os.environ.get("MAX_GAP", "0.5"))
RETRY_DEADLINE = 60.0

binary, workdir = sys.argv[1], sys.argv[2]
g = Goodwill(binary, workdir)
g.cli("init")
admin = g.create_key("admin", "crash")
g.start(quiet=True)

lock = threading.Lock()
vouchers = []          # voucher IDs issued so far
acknowledged = {}      # idempotency key -> (kind, voucher id, entry id, amount)
refused = {}           # idempotency key -> (status, problem code)
stats = {"sent": 0, "attempts": 0, "retried": 0, "replays": 0, "unanswered_after_deadline": 0}
stop = threading.Event()
server_up = threading.Event()
server_up.set()


def send_until_answered(method, path, body, idem):
    """Same key, same body, until the server answers (it may be dead or restarting)."""
    deadline = time.monotonic() + RETRY_DEADLINE
    tries = 0
    while time.monotonic() < deadline:
        tries += 1
        try:
            status, answer, headers = request(g.port, method, path, body, key=admin, idem=idem, timeout=10)
            if status >= 500 and status != 503:
                raise RuntimeError(f"{method} {path} answered {status}: {answer}")
            if status == 503:  # too many connections or shutting down: same as no answer
                raise OSError("503")
            with lock:
                stats["attempts"] += tries
                if tries > 1:
                    stats["retried"] += 1
            return status, answer, headers
        except OSError:
            server_up.wait(5)
            time.sleep(0.01)
    with lock:
        stats["unanswered_after_deadline"] += 1
    raise RuntimeError(f"{method} {path} (key {idem}) unanswered for {RETRY_DEADLINE} s")


def client(n):
    rng = random.Random(n)
    errors = []
    while not stop.is_set():
        idem = new_key()
        with lock:
            stats["sent"] += 1
            pool = list(vouchers)
        try:
            if not pool or rng.random() < 0.25:
                status, answer, headers = send_until_answered("POST", "/v1/vouchers", issue_body(5_000), idem)
                kind = "issued"
            else:
                vid = rng.choice(pool)
                amount = rng.choice([100, 700, 1_300])
                status, answer, headers = send_until_answered(
                    "POST", f"/v1/vouchers/{vid}/redemptions", {"amount": sek(amount), "reference": f"c{n}"}, idem)
                kind = "redeemed"
        except RuntimeError as e:
            errors.append(str(e))
            continue
        with lock:
            if 200 <= status < 300:
                # An issue answers with the voucher itself; a redemption with {entry, voucher}.
                entry = answer.get("entry") or {}
                voucher = answer.get("voucher", answer)
                acknowledged[idem] = (kind, voucher["id"], entry.get("id"), entry.get("amount", {}).get("amount"))
                if headers.get("Idempotent-Replayed") == "true":
                    stats["replays"] += 1
                if kind == "issued":
                    vouchers.append(voucher["id"])
            else:
                code = answer.get("code") if isinstance(answer, dict) else None
                refused[idem] = (status, code)
    if errors:
        with lock:
            stats.setdefault("client_errors", []).extend(errors)


threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
for t in threads:
    t.start()
kills = 0
rng = random.Random(7)
started = time.monotonic()
try:
    for _ in range(KILLS):
        time.sleep(rng.uniform(MIN_GAP, MAX_GAP))
        server_up.clear()
        g.kill9()
        kills += 1
        g.start(quiet=True)
        server_up.set()
    time.sleep(0.5)
finally:
    stop.set()
    server_up.set()
    for t in threads:
        t.join()
    g.stop()
elapsed = time.monotonic() - started

# --- What is in the ledger
problems = []
rows = sqlite_rows(g.db, "SELECT idempotency_key, kind, voucher_id, id, amount FROM entries WHERE idempotency_key IS NOT NULL")
by_key = {}
for key, kind, vid, eid, amount in rows:
    by_key.setdefault(key, []).append((kind, vid, eid, amount))
for key, found in by_key.items():
    if len(found) > 1:
        problems.append(f"key {key} applied {len(found)} times: {found}")
for key, (kind, vid, eid, amount) in acknowledged.items():
    found = by_key.get(key)
    if not found:
        problems.append(f"acknowledged {kind} {key} (entry {eid}) is not in the ledger")
        continue
    k, v, e, a = found[0]
    if k != kind or v != vid or (eid is not None and e != eid):
        problems.append(f"acknowledged {kind} {key} answered entry {eid} of {vid}, ledger has {k} {e} of {v}")
    if kind == "redeemed" and (amount is None or abs(a) != abs(amount)):
        problems.append(f"redemption {key}: answered {amount}, ledger amount {a}")
for key, (status, code) in refused.items():
    if key in by_key:
        problems.append(f"refused ({status} {code}) request {key} is in the ledger")
ours = set(acknowledged) | set(refused)
strays = [k for k in by_key if k not in ours]
if strays:
    problems.append(f"{len(strays)} ledger entries carry keys no client was answered for, e.g. {strays[:3]}")
negative = sqlite_rows(g.db, "SELECT count(*) FROM vouchers WHERE balance < 0")[0][0]
if negative:
    problems.append(f"{negative} vouchers with a negative balance")
mismatch = sqlite_rows(g.db, """
    SELECT v.id, v.balance, (SELECT sum(amount) FROM entries e WHERE e.voucher_id = v.id) AS s
    FROM vouchers v WHERE v.balance != s""")
if mismatch:
    problems.append(f"balances differ from their entries: {mismatch[:3]}")
ok, verify_text = verify(g)
if not ok:
    problems.append(f"goodwill verify failed: {verify_text[:500]}")
if kills < 20 and KILLS >= 20:
    problems.append(f"only {kills} kills")
if stats.get("client_errors"):
    problems.append(f"{len(stats['client_errors'])} requests never answered: {stats['client_errors'][:3]}")

n_issue = sum(1 for v in acknowledged.values() if v[0] == "issued")
n_redeem = len(acknowledged) - n_issue
refusal_codes = {}
for status, code in refused.values():
    refusal_codes[f"{status} {code}"] = refusal_codes.get(f"{status} {code}", 0) + 1
print(f"kills survived:          {kills} (server starts: {g.starts}, {elapsed:.1f} s, {CLIENTS} clients)")
print(f"requests:                {stats['sent']} sent, {stats['attempts']} attempts, {stats['retried']} retried after no answer")
print(f"acknowledged (2xx):      {len(acknowledged)} ({n_issue} issues, {n_redeem} redemptions), {stats['replays']} answered as replays")
print(f"refused (4xx):           {len(refused)} {refusal_codes}")
print(f"ledger entries checked:  {len(rows)} with idempotency keys; applied twice: "
      f"{sum(1 for f in by_key.values() if len(f) > 1)}; missing: "
      f"{sum(1 for k in acknowledged if k not in by_key)}")
print(f"negative balances:       {negative}")
print(f"goodwill verify:         {'ok' if ok else 'FAILED'}")
finish(problems, "crash test passed")
