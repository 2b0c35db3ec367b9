"""Shared pieces of the proof scripts (crash, race, abuse, soak, security): start and stop a
`goodwill serve` on a loopback port, create keys, and talk HTTP with only the standard library.
Everything goes to 127.0.0.1; every process started here is stopped by its PID."""
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Goodwill:
    """The release binary and one database file in a work folder."""

    def __init__(self, binary, workdir, env=None):
        self.binary = binary
        self.workdir = workdir
        self.db = os.path.join(workdir, "goodwill.db")
        self.env = dict(os.environ, GOODWILL_DB=self.db, **(env or {}))
        self.proc = None
        self.port = None
        self.log_path = os.path.join(workdir, "server.log")
        self.starts = 0

    def cli(self, *args, check=True):
        r = subprocess.run([self.binary, *args, "--db", self.db], env=self.env, capture_output=True, text=True,
                           cwd=self.workdir)
        if check and r.returncode != 0:
            raise RuntimeError(f"goodwill {' '.join(args)} exited {r.returncode}: {r.stderr.strip()}")
        return r

    def create_key(self, role, name):
        r = self.cli("keys", "create", "--role", role, "--name", name, "--json")
        return json.loads(r.stdout)["secret"]

    def start(self, port=None, quiet=False, extra=()):
        """Starts the server (on the same port as before after a crash) and waits for /health."""
        self.port = port or self.port or free_port()
        args = [self.binary, "serve", "--port", str(self.port), "--db", self.db, *extra]
        if quiet:
            args.append("--quiet")
        logf = open(self.log_path, "a")
        self.proc = subprocess.Popen(args, env=self.env, stdout=logf, stderr=logf, cwd=self.workdir,
                                     start_new_session=True)
        logf.close()
        self.starts += 1
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"goodwill serve exited with {self.proc.returncode}; see {self.log_path}")
            try:
                status, _, _ = request(self.port, "GET", "/health", timeout=1)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.02)
        raise RuntimeError("goodwill serve did not answer /health within 30 s")

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        """SIGTERM (graceful), SIGKILL after 15 s."""
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill9()
        return self.proc.returncode if self.proc else None

    def rss_kb(self):
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            return None
        return None

    def server_log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()


def request(port, method, path, body=None, key=None, idem=None, timeout=10, headers=None):
    """One request on a fresh connection. Returns (status, parsed JSON or text, headers)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        h = dict(headers or {})
        if key:
            h["Authorization"] = f"Bearer {key}"
        if idem:
            h["Idempotency-Key"] = idem
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        raw = r.read()
        ctype = r.getheader("Content-Type", "")
        parsed = json.loads(raw) if "json" in ctype and raw else raw.decode(errors="replace")
        return r.status, parsed, dict(r.getheaders())
    finally:
        conn.close()


def sek(units):
    return {"amount": units, "currency": "SEK"}


def issue_body(value_minor=100_000):
    return {"value": sek(value_minor), "validity": {"months": 12}, "time_zone": "Europe/Stockholm"}


def new_key():
    return str(uuid.uuid4())


def sqlite_rows(db, sql, args=()):
    import sqlite3
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def finish(problems, passed, most=30):
    """Ends a proof script: the first `most` problems and exit 1, or `passed` and exit 0."""
    if problems:
        print("FAILED:")
        for p in problems[:most]:
            print("  " + p)
        if len(problems) > most:
            print(f"  … and {len(problems) - most} more")
        sys.exit(1)
    print(passed)


def verify(g):
    r = g.cli("verify", check=False)
    return r.returncode == 0, (r.stdout + r.stderr).strip()


CODE_RE = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]\b")
