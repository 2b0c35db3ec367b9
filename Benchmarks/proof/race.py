"""Race test over HTTP. Two parts:
1. The last balance: LAST_CLIENTS clients at once each redeem 10 SEK from one 500 SEK voucher:
   exactly 50 get 2xx, the others insufficient-balance, the balance ends at 0.
2. The mix: CLIENTS clients redeem 7 SEK from the same few vouchers, reverse each other's
   redemptions, extend, and several void the same voucher at once. Afterwards each voucher's
   entries are exactly the acknowledged writes, the sums hold, nothing follows a void, and
   `goodwill verify` passes.

usage: race.py BINARY WORKDIR   (env: CLIENTS, OPS, LAST_CLIENTS)"""
import os
import random
import sys
import threading

from proofkit import finish, Goodwill, issue_body, log, new_key, request, sek, verify

CLIENTS = int(os.environ.get("CLIENTS", "16"))
OPS = int(os.environ.get("OPS", "60"))
LAST_CLIENTS = int(os.environ.get("LAST_CLIENTS", "64"))

binary, workdir = sys.argv[1], sys.argv[2]
g = Goodwill(binary, workdir)
g.cli("init")
admin = g.create_key("admin", "race")
g.start(quiet=True)
problems = []


def post(path, body):
    return request(g.port, "POST", path, body, key=admin, idem=new_key(), timeout=30)


def entries(vid):
    status, answer, _ = request(g.port, "GET", f"/v1/vouchers/{vid}/entries", key=admin)
    assert status == 200, answer
    return answer["entries"] if isinstance(answer, dict) else answer


try:
    # --- 1. the last balance
    status, v, _ = post("/v1/vouchers", issue_body(50_000))
    assert status == 201, (status, v)
    last = v["id"]
    outcomes = []
    barrier = threading.Barrier(LAST_CLIENTS)

    def last_client():
        barrier.wait()
        s, a, _ = post(f"/v1/vouchers/{last}/redemptions", {"amount": sek(1_000), "reference": "last"})
        outcomes.append((s, a.get("code") if isinstance(a, dict) else a))

    ts = [threading.Thread(target=last_client) for _ in range(LAST_CLIENTS)]
    [t.start() for t in ts]
    [t.join() for t in ts]
    wins = sum(1 for s, _ in outcomes if 200 <= s < 300)
    insufficient = sum(1 for s, c in outcomes if c in ("insufficient-balance", "voucher-fully-used"))
    _, final, _ = request(g.port, "GET", f"/v1/vouchers/{last}", key=admin)
    expected_wins = min(50, LAST_CLIENTS)
    print(f"last balance: {LAST_CLIENTS} clients redeem 10 of 500 SEK at once: {wins} won, {insufficient} refused, "
          f"balance {final['balance']['amount']}")
    if wins != expected_wins or insufficient != LAST_CLIENTS - expected_wins:
        problems.append(f"last balance: {wins} wins, {insufficient} refusals, outcomes {set(outcomes)}")
    if LAST_CLIENTS >= 50 and final["balance"]["amount"] != 0:
        problems.append(f"last balance: ends at {final['balance']['amount']}, not 0")

    # --- 2. the mix
    ids = []
    for _ in range(4):
        s, v, _ = post("/v1/vouchers", issue_body(50_000))
        assert s == 201, (s, v)
        ids.append(v["id"])
    lock = threading.Lock()
    told = {"redeemed": {}, "reversed": {}, "extended": {}, "voided": {}, "unexpected": []}
    pool = []
    expected_refusals = {"insufficient-balance", "voucher-voided", "voucher-fully-used", "already-reversed",
                         "already-in-state"}

    def mixer(n):
        rng = random.Random(n)
        for op in range(OPS):
            vid = ids[(n + op) % len(ids)]
            if op == OPS // 2:
                vid = ids[3]
                what = "void"
            elif op == (3 * OPS) // 4 and n < 2:
                vid = ids[2]
                what = "void"
            else:
                r = rng.random()
                what = "redeem" if r < 0.6 else "reverse" if r < 0.8 else "extend"
            if what == "void":
                s, a, _ = post(f"/v1/vouchers/{vid}/void", {"reason": "race"})
                ok_key = vid
            elif what == "redeem":
                s, a, _ = post(f"/v1/vouchers/{vid}/redemptions", {"amount": sek(700), "reference": f"m{n}"})
            elif what == "reverse":
                with lock:
                    if not pool:
                        continue
                    vid, eid = rng.choice(pool)
                s, a, _ = post(f"/v1/vouchers/{vid}/reversals", {"entry_id": eid, "reason": "race"})
            else:
                s, a, _ = post(f"/v1/vouchers/{vid}/extensions", {"days": 1, "reason": "race", "override": True})
            with lock:
                if 200 <= s < 300:
                    if what == "redeem":
                        told["redeemed"].setdefault(vid, set()).add(a["entry"]["id"])
                        pool.append((vid, a["entry"]["id"]))
                    elif what == "reverse":
                        told["reversed"].setdefault(vid, set()).add(eid)
                    elif what == "extend":
                        if a.get("entry"):
                            told["extended"][vid] = told["extended"].get(vid, 0) + 1
                    else:
                        told["voided"][vid] = told["voided"].get(vid, 0) + 1
                else:
                    code = a.get("code") if isinstance(a, dict) else None
                    if code not in expected_refusals:
                        told["unexpected"].append((what, s, code, a.get("detail") if isinstance(a, dict) else a))

    ts = [threading.Thread(target=mixer, args=(n,)) for n in range(CLIENTS)]
    [t.start() for t in ts]
    [t.join() for t in ts]
    if told["unexpected"]:
        problems.append(f"unexpected answers: {told['unexpected'][:5]}")
    if told["voided"].get(ids[3]) != 1:
        problems.append(f"racing voids of one voucher: {told['voided'].get(ids[3])} acknowledged, want 1")
    checked = 0
    for vid in ids:
        es = entries(vid)
        checked += len(es)
        red = [e for e in es if e["kind"] == "redeemed"]
        rev = [e for e in es if e["kind"] == "redemption_reversed"]
        voids = [e for e in es if e["kind"] == "voided"]
        ext = [e for e in es if e["kind"] == "extended"]
        if {e["id"] for e in red} != told["redeemed"].get(vid, set()):
            problems.append(f"{vid}: redemptions in the ledger differ from those acknowledged")
        revd = sorted(e["related_entry_id"] for e in rev)
        if revd != sorted(told["reversed"].get(vid, set())) or len(set(revd)) != len(revd):
            problems.append(f"{vid}: reversals differ from those acknowledged (or one reversed twice)")
        if len(ext) != told["extended"].get(vid, 0):
            problems.append(f"{vid}: {len(ext)} extensions in the ledger, {told['extended'].get(vid, 0)} acknowledged")
        if len(voids) != told["voided"].get(vid, 0) or len(voids) > 1:
            problems.append(f"{vid}: {len(voids)} voids in the ledger, {told['voided'].get(vid, 0)} acknowledged")
        if voids and any(e["id"] > voids[0]["id"] for e in es if e["kind"] != "voided"):
            problems.append(f"{vid}: an entry was accepted after the void")
        for e in es:
            if e["balance_after"]["amount"] < 0:
                problems.append(f"{vid}: negative balance after entry {e['id']}")
        _, v, _ = request(g.port, "GET", f"/v1/vouchers/{vid}", key=admin)
        expected = 50_000 - 700 * len(red) + 700 * len(rev)
        if voids:
            expected = 0
        if v["balance"]["amount"] != expected or es[-1]["balance_after"]["amount"] != expected:
            problems.append(f"{vid}: balance {v['balance']['amount']}, last entry {es[-1]['balance_after']['amount']}, "
                            f"expected value − redeemed + reversed = {expected}")
    n_red = sum(len(s) for s in told["redeemed"].values())
    n_rev = sum(len(s) for s in told["reversed"].values())
    print(f"mix: {CLIENTS} clients × {OPS} ops on 4 vouchers: {n_red} redemptions, {n_rev} reversals, "
          f"{sum(told['extended'].values())} extensions, {sum(told['voided'].values())} voids acknowledged; "
          f"{checked} entries checked")
finally:
    g.stop()

ok, text = verify(g)
print(f"goodwill verify: {'ok' if ok else 'FAILED'}")
if not ok:
    problems.append(text[:400])
finish(problems, "race test passed")
