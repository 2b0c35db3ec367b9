"""Abuse test against the live server: random bytes, truncated requests, huge headers, headers a
byte at a time, thousands of idle connections, pipelined floods. Throughout, a sampler asks
GET /health every 0.2 s on a fresh connection and records how long the answer took; the server's
RSS is sampled too. Passes when the server is still up, every /health sample was answered
within 1 s, and the peak RSS stayed under RSS_LIMIT_MB.

usage: abuse.py BINARY WORKDIR   (env: IDLE (2000, capped by ulimit -n), RSS_LIMIT_MB (256),
                                  RANDOM_CONNS (300), PIPELINE (5000), DRIPS (20), BODIES (2000))"""
import os
import random
import resource
import socket
import sys
import threading
import time

from proofkit import finish, Goodwill, issue_body, log, new_key, request

IDLE = int(os.environ.get("IDLE", "2000"))
RSS_LIMIT_MB = int(os.environ.get("RSS_LIMIT_MB", "256"))
RANDOM_CONNS = int(os.environ.get("RANDOM_CONNS", "300"))
BODIES = int(os.environ.get("BODIES", "2000"))
PIPELINE = int(os.environ.get("PIPELINE", "5000"))
DRIPS = int(os.environ.get("DRIPS", "20"))

binary, workdir = sys.argv[1], sys.argv[2]
g = Goodwill(binary, workdir)
g.cli("init")
admin = g.create_key("admin", "abuse")
g.start(quiet=True)
port = g.port
rng = random.Random(42)
stop = threading.Event()
samples = []   # (seconds, status or error)
rss = []
phase_log = []


def health_once(timeout=1.0):
    t0 = time.monotonic()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        s.settimeout(max(0.01, timeout - (time.monotonic() - t0)))
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        s.close()
        status = int(data.split(b" ")[1]) if data.startswith(b"HTTP/1.1 ") else f"bad answer {data[:40]!r}"
    except (OSError, ValueError, IndexError) as e:
        status = f"{type(e).__name__}"
    return time.monotonic() - t0, status


def sampler():
    while not stop.is_set():
        samples.append((*health_once(), current_phase[0]))
        r = g.rss_kb()
        if r:
            rss.append(r)
        time.sleep(0.2)


current_phase = ["start"]


def phase(name):
    current_phase[0] = name
    phase_log.append((name, time.monotonic()))
    log(f"abuse: {name}")


def send_raw(payload, read=True, timeout=3):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        s.sendall(payload)
        if read:
            try:
                s.recv(65536)
            except OSError:
                pass
        s.close()
    except OSError:
        pass


valid = (b"POST /v1/vouchers HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer gw_nothing\r\n"
         b"Content-Type: application/json\r\nIdempotency-Key: k\r\nContent-Length: 27\r\n\r\n"
         b'{"value":{"amount":1,"x":1}')

threading.Thread(target=sampler, daemon=True).start()
time.sleep(1)
baseline_kb = max(rss) if rss else 0
try:
    phase("random bytes")
    for _ in range(RANDOM_CONNS):
        # Read only sometimes, briefly: bytes without a line end make the server wait for more.
        send_raw(bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 4096))), read=rng.random() < 0.2, timeout=0.2)

    phase("hostile JSON bodies")
    # Well-formed HTTP, authorized, with bodies that are wrong in every way JSON allows: the
    # answer must be a 4xx (or a 2xx when the mutation happens to be valid), never a 5xx.
    _, v, _ = request(port, "POST", "/v1/vouchers", issue_body(10_000_000), key=admin, idem=new_key())
    vid = v["id"]
    targets = ["/v1/vouchers", f"/v1/vouchers/{vid}/redemptions", f"/v1/vouchers/{vid}/reversals",
               f"/v1/vouchers/{vid}/adjustments", f"/v1/vouchers/{vid}/extensions", f"/v1/vouchers/{vid}/block",
               "/v1/policies/validate", "/v1/policies/simulate"]
    leaves = [None, True, False, 0, -1, 1, 2**63, -2**63 - 1, 10**40, 1.5, 1e308, -0.0, "", "SEK", "x" * 10_000,
              "\u0000", "\ud800", "😀", "2027-02-30", "Europe/Nowhere", [], {}]
    fields = ["value", "amount", "currency", "validity", "months", "last_day", "none", "time_zone", "holder", "email",
              "entry_id", "reason", "days", "override", "policy", "rows", "reference", "kind", "x"]

    def hostile(depth=0):
        r = rng.random()
        if depth > 3 or r < 0.4:
            return rng.choice(leaves)
        if r < 0.6:
            return [hostile(depth + 1) for _ in range(rng.randint(0, 3))]
        return {rng.choice(fields): hostile(depth + 1) for _ in range(rng.randint(0, 4))}

    import json as _json
    raw_bodies = [b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000, b"\xff\xfe{", b'{"amount": 1',
                  b'{"value": {"amount": 1e999999, "currency": "SEK"}}', b'{"a": "\\ud800"}', b"null", b"0" * 500_000]
    fivexx = []
    body_answers = {}
    for i in range(BODIES):
        path = targets[i % len(targets)]
        if i < len(raw_bodies) * len(targets) and i % 3 == 0:
            data = raw_bodies[(i // 3) % len(raw_bodies)]
        else:
            data = _json.dumps(hostile(), allow_nan=True).encode()
        try:
            conn = __import__("http.client").client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("POST", path, body=data, headers={"Authorization": f"Bearer {admin}", "Idempotency-Key": new_key(),
                                                             "Content-Type": "application/json"})
            st = conn.getresponse().status
            conn.close()
        except OSError as e:
            st = type(e).__name__
        body_answers[st] = body_answers.get(st, 0) + 1
        if not isinstance(st, int) or st >= 500:
            fivexx.append((path, st, data[:80]))

    phase("truncated requests")
    for _ in range(RANDOM_CONNS):
        send_raw(valid[:rng.randint(1, len(valid) - 1)], read=False)

    phase("huge headers")
    for size in (40_000, 200_000, 1_000_000):
        send_raw(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * size + b"\r\n\r\n")
    send_raw(b"GET /health HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(5000)) + b"\r\n")
    send_raw(b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    send_raw(b"POST /v1/vouchers HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n")
    send_raw(b"POST /v1/vouchers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\n")

    phase("headers a byte at a time")
    drip_stop = threading.Event()

    def drip():
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=30)
            msg = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"z" * 10_000
            for b in msg:
                if drip_stop.is_set():
                    break
                s.send(bytes([b]))
                time.sleep(0.05)
            s.close()
        except OSError:
            pass

    drips = [threading.Thread(target=drip, daemon=True) for _ in range(DRIPS)]
    [t.start() for t in drips]
    time.sleep(4)

    phase("idle connections")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(IDLE, max(0, soft - 200))
    idle = []
    for _ in range(want):
        try:
            idle.append(socket.create_connection(("127.0.0.1", port), timeout=2))
        except OSError:
            break
    log(f"abuse: {len(idle)} idle connections open (ulimit -n {soft})")
    time.sleep(3)
    for s in idle:
        s.close()
    idle_count = len(idle)
    drip_stop.set()

    phase("pipelined flood")
    flood_answers = []

    def flood():
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            reqs = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n" * PIPELINE
            got = [0]

            def reader():
                buf = b""
                try:
                    while got[0] < PIPELINE:
                        chunk = s.recv(1 << 16)
                        if not chunk:
                            break
                        buf += chunk
                        got[0] += buf.count(b"HTTP/1.1 ")
                        buf = buf[buf.rfind(b"HTTP/1.1 ") + 1:] if b"HTTP/1.1 " in buf else buf[-16:]
                except OSError:
                    pass

            r = threading.Thread(target=reader)
            r.start()
            s.sendall(reqs)
            r.join(60)
            s.close()
            flood_answers.append(got[0])
        except OSError:
            flood_answers.append(0)

    floods = [threading.Thread(target=flood) for _ in range(4)]
    [t.start() for t in floods]
    [t.join() for t in floods]
    time.sleep(1)
finally:
    stop.set()
    time.sleep(0.3)
    alive = g.proc.poll() is None
    final = health_once(2.0)
    g.stop()

slow = [(round(t, 3), st, ph) for t, st, ph in samples if t > 1.0 or not isinstance(st, int)]
statuses = {}
for _, st, ph in samples:
    statuses[f"{ph}: {st}"] = statuses.get(f"{ph}: {st}", 0) + 1
peak_mb = max(rss) / 1024 if rss else 0
worst = max(t for t, _, _ in samples) if samples else 0
print(f"health samples: {len(samples)}, slowest {worst * 1000:.0f} ms, over 1 s or unanswered: {len(slow)}")
print(f"health answers by phase: {statuses}")
print(f"hostile JSON bodies: {BODIES} sent, answers {dict(sorted(body_answers.items(), key=str))}")
print(f"idle connections held: {idle_count}; pipelined requests answered: {flood_answers} of {PIPELINE} each")
print(f"RSS: baseline {baseline_kb / 1024:.1f} MB, peak {peak_mb:.1f} MB (bound {RSS_LIMIT_MB} MB)")
print(f"server alive at the end: {alive}; final /health: {final[1]}")
problems = []
if not alive:
    problems.append("the server died")
if slow:
    problems.append(f"/health slow or unanswered: {slow[:10]}")
if peak_mb > RSS_LIMIT_MB:
    problems.append(f"peak RSS {peak_mb:.1f} MB over the {RSS_LIMIT_MB} MB bound")
if fivexx:
    problems.append(f"{len(fivexx)} hostile bodies got a 5xx or no answer: {fivexx[:5]}")
if final[1] != 200:
    problems.append(f"final /health answered {final[1]}")
finish(problems, "abuse test passed")
