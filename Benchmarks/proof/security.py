"""Security checks against the live release server (black box; the role-by-route table itself
is tested in-process by Tests/GoodwillAPITests/AuthorizationTests and RevokedKeyEveryRouteTests):
1. every keyed route refuses no key, a malformed key and a revoked key with 401 problem+json;
   the four public routes answer;
2. code enumeration against the public balance check is slowed: 429 with Retry-After after a
   few misses, and a locked-out address is refused even for a real code;
3. after all that traffic and a reminder sweep over vouchers with reminders due, the server's
   log holds no API secret and no full voucher code.

usage: security.py BINARY WORKDIR   (env: GUESSES (60))"""
import os
import random
import sys

from proofkit import finish, CODE_RE, Goodwill, issue_body, new_key, request, sek, sqlite_rows

GUESSES = int(os.environ.get("GUESSES", "60"))
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

binary, workdir = sys.argv[1], sys.argv[2]
g = Goodwill(binary, workdir)
g.cli("init")
secrets = {role: g.create_key(role, f"sec-{role}") for role in ("admin", "issuer", "redeemer", "support", "auditor")}
revoked = g.create_key("support", "sec-revoked")
g.cli("keys", "revoke", "sec-revoked")
# Vouchers issued 60 days ago with reminders due: the reminder loop logs its work at start,
# and those lines are scanned too.
import datetime
import json
import subprocess
back = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=60)).strftime("%Y-%m-%dT10:00:00Z")
reminded = []
for n in range(5):
    last = (datetime.date.today() + datetime.timedelta(days=1 + 7 * n)).isoformat()
    out = subprocess.run([binary, "issue", "--amount", "500", "--currency", "SEK", "--expires", last, "--json",
                          "--holder-email", f"remind{n}@example.com", "--holder-name", "Rita", "--db", g.db],
                         env=dict(g.env, GOODWILL_NOW=back, GOODWILL_CHANNEL="maildir"), check=True,
                         capture_output=True, text=True).stdout
    reminded.append(json.loads(out)["code"])
g.env["GOODWILL_CHANNEL"] = "maildir"
g.start(quiet=False)  # the request log is what part 3 reads
admin = secrets["admin"]
problems = []
codes = []
try:
    vouchers = []
    for n in range(3):
        body = dict(issue_body(20_000), holder={"email": f"holder{n}@example.com", "name": "Anna Berg", "locale": "sv"})
        s, v, _ = request(g.port, "POST", "/v1/vouchers", body, key=secrets["issuer"], idem=new_key())
        assert s == 201, (s, v)
        vouchers.append(v)
        codes.append(v["code"])
    vid, code = vouchers[0]["id"], vouchers[0]["code"]
    # Codes travel in paths: by the redeemer, in every spelling a till might send.
    for spelling in (code, code.replace("-", ""), code.lower()):
        s, _, _ = request(g.port, "GET", f"/v1/vouchers/{spelling}", key=secrets["redeemer"])
        if s != 200:
            problems.append(f"redeemer GET by code {spelling!r}: {s}")
    s, r, _ = request(g.port, "POST", f"/v1/vouchers/{vid}/redemptions", {"amount": sek(100)}, key=secrets["redeemer"],
                      idem=new_key())
    entry = r["entry"]["id"] if s == 201 or s == 200 else 1
    holder = vouchers[0]["holder"]["id"]

    # --- 1. no key, malformed key, revoked key on every route
    keyed = [("POST", "/v1/vouchers"), ("GET", "/v1/vouchers"), ("GET", f"/v1/vouchers/{vid}"),
             ("GET", f"/v1/vouchers/{code}"),
             ("POST", f"/v1/vouchers/{vid}/redemptions"), ("POST", f"/v1/vouchers/{vid}/reversals"),
             ("POST", f"/v1/vouchers/{vid}/void"), ("POST", f"/v1/vouchers/{vid}/block"),
             ("POST", f"/v1/vouchers/{vid}/unblock"), ("POST", f"/v1/vouchers/{vid}/adjustments"),
             ("POST", f"/v1/vouchers/{vid}/refunds"), ("GET", f"/v1/vouchers/{vid}/entries"),
             ("GET", f"/v1/vouchers/{vid}/goodwill"), ("POST", f"/v1/vouchers/{vid}/extensions"),
             ("GET", "/v1/policies"), ("POST", "/v1/policies/validate"), ("POST", "/v1/policies/activate"),
             ("POST", "/v1/policies/simulate"), ("GET", f"/v1/holders/{holder}"),
             ("GET", f"/v1/vouchers/{vid}/reminders"), ("GET", "/v1/reminders"), ("POST", "/v1/reminders/1/retry")]
    bodies = {"redemptions": {"amount": sek(100)}, "reversals": {"entry_id": entry},
              "adjustments": {"amount": sek(100), "reason": "x"}, "extensions": {"reason": "x"}}
    checked = 0
    for method, path in keyed:
        body = bodies.get(path.rsplit("/", 1)[-1], {}) if method == "POST" else None
        if path == "/v1/vouchers" and method == "POST":
            body = issue_body(100)
        for label, key, extra in (("no key", None, {}), ("malformed key", None, {"Authorization": "Bearer"}),
                                  ("basic auth", None, {"Authorization": "Basic YWRtaW46YWRtaW4="}),
                                  ("unknown key", "gw_" + "a" * 32, {}), ("revoked key", revoked, {})):
            s, a, h = request(g.port, method, path, body, key=key, idem=new_key() if method == "POST" else None,
                              headers=extra)
            checked += 1
            if s != 401 or not isinstance(a, dict) or a.get("code") != "unauthorized":
                problems.append(f"{method} {path} with {label}: {s} {a}")
    for path in ("/health", "/metrics", "/openapi.json"):
        s, _, _ = request(g.port, "GET", path)
        if s != 200:
            problems.append(f"public {path} without a key: {s}")
    print(f"keyed routes: {len(keyed)} requests × 5 kinds of missing/bad/revoked key = {checked} checked, "
          f"all 401: {not any('with' in p for p in problems)}")

    # --- 2. enumeration of the public balance check
    s, pub, _ = request(g.port, "GET", f"/v1/public/balance/{codes[1]}")
    if s != 200 or set(pub) - {"status", "balance", "expires_at", "last_valid_day", "currency", "code"}:
        problems.append(f"public balance of a real code: {s} {pub}")
    if isinstance(pub, dict) and any(k in str(pub) for k in ("holder", "email", "Anna")):
        problems.append(f"public balance shows personal data: {pub}")
    rng = random.Random(3)
    answered, limited, first_429, retry_after = 0, 0, None, set()
    for i in range(GUESSES):
        guess = "".join(rng.choice(ALPHABET) for _ in range(17))
        s, _, h = request(g.port, "GET", f"/v1/public/balance/{guess}")
        if s == 429:
            limited += 1
            first_429 = first_429 if first_429 is not None else i + 1
            retry_after.add(h.get("Retry-After"))
        else:
            answered += 1
    s_real, _, _ = request(g.port, "GET", f"/v1/public/balance/{codes[2]}")
    print(f"enumeration: {GUESSES} guesses from one address: {answered} looked up, {limited} got 429 "
          f"(first after {first_429} guesses, Retry-After {sorted(x for x in retry_after if x)[:5]}); "
          f"a real code from the locked-out address: {s_real}")
    if first_429 is None or first_429 > 12:
        problems.append(f"enumeration not slowed: first 429 after {first_429} guesses")
    if None in retry_after:
        problems.append("a 429 without Retry-After")
    if s_real != 429:
        problems.append(f"a locked-out address looked up a real code: {s_real}")
    # Let the reminder loop's first sweep finish before stopping.
    import time
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not sqlite_rows(g.db, "SELECT count(*) FROM reminder_outbox WHERE status != 'pending'")[0][0]:
        time.sleep(0.5)
finally:
    g.stop()

# --- 3. the log
codes += reminded
sent = sqlite_rows(g.db, "SELECT count(*) FROM reminder_outbox")[0][0]
print(f"reminder loop: {sent} reminders written for {len(reminded)} vouchers whose reminders were due")
if sent == 0:
    problems.append("the reminder loop wrote nothing, so its log lines were not checked")
text = g.server_log()
lines = text.count("\n")
leaks = []
for role, secret in list(secrets.items()) + [("revoked", revoked)]:
    if secret in text or secret[3:] in text:
        leaks.append(f"{role} secret")
for c in codes:
    forms = {c, c.replace("-", ""), c.lower(), c.replace("-", "").lower()}
    if any(f in text for f in forms):
        leaks.append(f"code {c[:4]}…")
full_codes_in_log = CODE_RE.findall(text)
print(f"log: {lines} lines scanned for {len(secrets) + 1} secrets and {len(codes)} codes (4 spellings each): "
      f"{len(leaks)} leaks; code-shaped strings: {len(full_codes_in_log)}")
if leaks:
    problems.append(f"the log leaks: {leaks}")
if full_codes_in_log:
    problems.append(f"code-shaped strings in the log: {full_codes_in_log[:3]}")
if lines < 50:
    problems.append(f"only {lines} log lines: is the request log on?")
finish(problems, "security checks passed")
