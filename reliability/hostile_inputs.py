#!/usr/bin/env python3
"""Hostile inputs against the binary: each case is generated here (nothing is read
from ../shared), run as a user would, and measured: wall time, peak RSS, outcome.

    DATELINE_BIN=target/release/dateline python3 reliability/hostile_inputs.py [--quick]

Prints a Markdown table (docs/RELIABILITY.md keeps the last one) and exits non-zero
when a case breaks a promise: a panic, over 30 s, over 1 GB, input lost, or a wrong
answer. --quick skips the largest inputs (for CI)."""

import argparse
import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = os.environ.get("DATELINE_BIN", str(ROOT / "target" / "release" / "dateline"))
LIMIT_S = 30.0
LIMIT_MB = 1024

rows = []
failures = []


def record(case, size, seconds, rss_mb, outcome, ok):
    rows.append((case, size, seconds, rss_mb, outcome, ok))
    mark = "ok" if ok else "FAIL"
    print(f"[{mark}] {case}: {seconds:.2f} s, {rss_mb:.0f} MB, {outcome}", file=sys.stderr)
    if not ok:
        failures.append(case)


def timed(args, stdin=None, timeout=120):
    """Like run, but peak RSS of this one process, from GNU time's format."""
    with tempfile.NamedTemporaryFile("r") as t:
        started = time.monotonic()
        try:
            done = subprocess.run(
                ["/usr/bin/time", "-f", "%M", "-o", t.name, BIN, *args],
                input=stdin, capture_output=True, timeout=timeout)
            code, out, err = done.returncode, done.stdout, done.stderr
        except subprocess.TimeoutExpired as e:
            code, out, err = "timeout", e.stdout or b"", e.stderr or b""
        seconds = time.monotonic() - started
        try:
            rss_mb = int(t.read().strip().splitlines()[-1]) / 1024
        except (ValueError, IndexError):
            rss_mb = float("nan")
    return code, seconds, rss_mb, out, err


def line(text, **fields):
    return json.dumps({"date": "2031-03-01", "text": text, **fields}) + "\n"


GOOD = "The harbour council of the fictional town of Velmar met on Monday, its spokesman said."


def ingest_case(case, tmp, name, body, expect_articles, extra=()):
    path = tmp / name
    with open(path, "wb" if isinstance(body, bytes) else "w") as f:
        f.write(body)
    db = tmp / f"{name}.db"
    code, seconds, rss, out, err = timed(["ingest", str(path), "--db", str(db), "--quiet", *extra])
    stored = stored_count(db)
    panicked = b"panicked" in err
    ok = (not panicked and code != "timeout" and seconds <= LIMIT_S and rss <= LIMIT_MB
          and stored == expect_articles)
    size = f"{path.stat().st_size / 1e6:.1f} MB"
    tail = err.decode("utf-8", "replace").strip().splitlines()
    note = next((l for l in tail if "rejected:" in l or "annotated" in l), tail[-1] if tail else "")
    record(case, size, seconds, rss, f"exit {code}, {stored} stored; {note[:110]}", ok)
    return db


def stored_count(db):
    if not db.exists():
        return 0
    code, _, _, out, _ = timed(["export", "--out", str(db) + ".export", "--db", str(db)])
    try:
        with open(str(db) + ".export/articles.jsonl") as f:
            return sum(1 for _ in f)
    except OSError:
        return 0


def distinct_text(i):
    """A short article of its own (no near-copy of another), like a day's wire."""
    places = ["Velmar", "Ostrava", "Tarnland", "Kessig", "Marrow", "Doln", "Ferrane"]
    verbs = ["met", "argued", "voted", "paused", "resumed", "refused", "agreed"]
    words = [f"{places[(i * k) % 7]} {verbs[(i + k) % 7]} on item {i * 31 + k}." for k in range(12)]
    return f"Dispatch {i}. " + " ".join(words)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(port, path, method="GET", body=None, headers=None, timeout=60):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method,
                                     headers=headers or {})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return r.status, r.read(), time.monotonic() - started
    except urllib.error.HTTPError as e:
        return e.code, e.read(), time.monotonic() - started


def post_oversized(port, path, size, headers):
    """POSTs a body of `size` blanks as a client that reads the answer while sending:
    the head first (its Content-Length says the size), then the body only if no answer
    came. A server that refuses on the declared length answers before the body, and
    closes without reading it; urllib, still sending, would then see a broken pipe and
    never the answer (a race CI met once)."""
    head = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {size}",
            "Connection: close", *(f"{k}: {v}" for k, v in headers.items())]
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        s.settimeout(5)
        answer = b""
        try:
            answer = s.recv(65536)
        except socket.timeout:
            try:
                s.sendall(b" " * size)
            except (BrokenPipeError, ConnectionResetError):
                pass
        s.settimeout(30)
        while True:
            try:
                chunk = s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                break
            if not chunk:
                break
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    _, _, body = rest.partition(b"\r\n\r\n")
    parts = status_line.split()
    return (int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0), body


class Server:
    def __init__(self, db, *extra):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [BIN, "serve", "--addr", f"127.0.0.1:{self.port}", "--db", str(db), *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(200):
            try:
                http(self.port, "/api/health", timeout=1)
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    def rss_mb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for l in f:
                if l.startswith("VmHWM:"):
                    return int(l.split()[1]) / 1024
        return float("nan")

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def p99(values):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * 0.99))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    quick = args.quick
    tmp = Path(tempfile.mkdtemp(prefix="dateline-hostile-"))
    words = "the minister said talks would resume after a long pause in the region".split()

    # One sentence without a full stop, growing: annotation must stay linear.
    for n in ([20_000] if quick else [20_000, 40_000, 200_000]):
        text = " ".join(words[i % len(words)] for i in range(n))
        ingest_case(f"one sentence of {n:,} words", tmp, f"sentence{n}.jsonl",
                    line(text) + line(GOOD), 2)

    # Valid long records of ordinary prose.
    prose = ("Minister Ilena Marsk said on Tuesday that talks with Velmar would resume. "
             "\"We will not give up,\" she said.\n\n")
    for mb in ([2] if quick else [4, 20]):
        text = prose * (mb * 1_000_000 // len(prose))
        ingest_case(f"one {mb} MB article", tmp, f"prose{mb}.jsonl", line(text) + line(GOOD), 2)

    # Deep nesting, with a good page beside it in the same run.
    depth = 30_000 if quick else 1_000_000
    page = ("<html><head><title>Deep</title></head><body>" + "<div>" * depth + "<p>" + GOOD
            + "</p>" + "</div>" * depth + "</body></html>")
    pages = tmp / "pages"
    pages.mkdir()
    (pages / "deep.html").write_text(page)
    (pages / "good.html").write_text(
        "<html><head><meta property='article:published_time' content='2031-03-01'></head>"
        f"<body><article><p>{GOOD} {GOOD}</p></article></body></html>")
    db = tmp / "pages.db"
    code, seconds, rss, _, err = timed(["ingest", str(pages), "--db", str(db), "--quiet"])
    stored = stored_count(db)
    record(f"{depth:,} nested <div>s beside a good page", f"{(pages / 'deep.html').stat().st_size / 1e6:.1f} MB",
           seconds, rss, f"exit {code}, {stored} stored; "
           + next((l for l in err.decode().splitlines() if "rejected" in l), "")[:100],
           stored == 1 and seconds <= LIMIT_S and rss <= LIMIT_MB)

    # WARC.gz of large records: repetitive ones expand past the gzip guard (as the
    # 2.6 MB file of 60 × 30 MB records did); varied ones are read, each page whole.
    if not quick:
        import random
        rng = random.Random(7)
        vocabulary = [f"{w}{k}" for w in words for k in range(40)]
        for label, count, make in [
            ("repetitive", 60, lambda: prose * 260_000),
            ("varied", 3, lambda: " ".join(rng.choice(vocabulary) for _ in range(3_500_000)) + "."),
        ]:
            warc = tmp / f"{label}.warc.gz"
            body = make()
            with gzip.open(warc, "wb", compresslevel=6) as f:
                for i in range(count):
                    page = (f"<html><body><article><p>Record {i}. " + body
                            + "</p></article></body></html>").encode()
                    http_msg = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + page
                    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Date: 2031-03-01T00:00:00Z\r\n"
                            f"WARC-Target-URI: https://example.invalid/{i}\r\n"
                            f"Content-Type: application/http; msgtype=response\r\n"
                            f"Content-Length: {len(http_msg)}\r\n\r\n").encode()
                    f.write(head + http_msg + b"\r\n\r\n")
            db = tmp / f"{label}-warc.db"
            code, seconds, rss, _, err = timed(["ingest", str(warc), "--db", str(db), "--quiet"],
                                                timeout=900)
            stored = stored_count(db)
            reason = next((l for l in err.decode().splitlines() if "rejected" in l), "")
            expected = 0 if label == "repetitive" else count
            record(f"WARC.gz, {count} {label} records of {len(body) / 1e6:.0f} MB",
                   f"{warc.stat().st_size / 1e6:.1f} MB", seconds, rss,
                   f"exit {code}, {stored} stored; {reason[-90:]}",
                   stored == expected and rss <= LIMIT_MB and b"panicked" not in err)
    bomb = tmp / "bomb.jsonl.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as f:
        f.write(line(GOOD).encode())
        chunk = b" " * (1 << 20)
        for _ in range(64 if quick else 1024):
            f.write(chunk)
    ingest_case("gzip bomb (1 GB of blanks) after a good line", tmp, "bomb.jsonl.gz",
                bomb.read_bytes(), 1)

    # Encodings and stray bytes.
    latin1 = ("<html><head><meta charset='iso-8859-1'>"
              "<meta property='article:published_time' content='2031-03-01'></head><body><article><p>"
              + GOOD.replace("Velmar", "Velmar Caf\u00e9") + " " + GOOD + "</p></article></body></html>").encode("latin-1")
    ingest_case("Latin-1 HTML page", tmp, "latin1.html", latin1, 1)
    utf16 = ("\ufeff<html><head><meta property='article:published_time' content='2031-03-01'>"
             "</head><body><article><p>" + GOOD + " " + GOOD + "</p></article></body></html>").encode("utf-16-le")
    ingest_case("UTF-16 HTML page with BOM", tmp, "utf16.html", utf16, 1)
    ingest_case("JSON Lines with BOM, a NUL line between good ones", tmp, "nul.jsonl",
                ("\ufeff" + line(GOOD) + "\0\n" + line(GOOD + " Again.")).encode(), 2)

    # Two ingests started together on a new store, ten times.
    lost = 0
    corpus = tmp / "pair"
    corpus.mkdir()
    for k in range(2):
        (corpus / f"{k}.jsonl").write_text("".join(
            line(f"Dispatch {k}-{i} from the fictional coast: {GOOD}") for i in range(200)))
    started = time.monotonic()
    for trial in range(3 if quick else 10):
        db = tmp / f"pair{trial}.db"
        procs = [subprocess.Popen([BIN, "ingest", str(corpus / f"{k}.jsonl"), "--db", str(db),
                                   "--quiet", "--no-extract"], stderr=subprocess.PIPE) for k in range(2)]
        codes = [p.wait() for p in procs]
        if codes != [0, 0] or stored_count(db) != 400:
            lost += 1
    record("two ingests at once on a new store", "2 × 200 articles", time.monotonic() - started,
           float("nan"), f"{lost} trials lost input", lost == 0)

    # The server: hostile stored text, slow searches, POSTs, control characters.
    db = tmp / "server.db"
    repeats = 35_000 if quick else 175_000
    (tmp / "server.jsonl").write_text(
        line("talks " * repeats, id="talks-bomb")
        + "".join(line(f"Talks {i}: {GOOD}", id=f"good-{i}") for i in range(300)))
    timed(["ingest", str(tmp / "server.jsonl"), "--db", str(db), "--quiet"], timeout=300)
    token = "a-hostile-input-test-token"
    server = Server(db, "--token", token, "--query-ms", "1000")
    try:
        searches = [http(server.port, "/api/search?q=talks")[2] for _ in range(50)]
        health = [http(server.port, "/api/health")[2] for _ in range(20)]
        worst = max(searches)
        record(f"search 'talks' with a {6 * repeats / 1e6:.1f} MB article of 'talks '",
               "50 queries", sum(searches), server.rss_mb(),
               f"p99 {p99(searches) * 1000:.0f} ms, health p99 {p99(health) * 1000:.0f} ms",
               worst < 1.0 and p99(health) < 0.1)
        status, body, _ = http(server.port, "/api/search?q=talks%00")
        record("NUL in a parameter", "-", 0, float("nan"), f"{status} {body[:60]!r}", status == 400)
        one_sentence = " ".join(words[i % len(words)] for i in range(170_000))
        auth = {"Authorization": f"Bearer {token}"}
        status, body, seconds = http(server.port, "/api/articles", "POST",
                                     line(one_sentence, id="post-1mb").encode(), auth)
        record("POST of a 1 MB one-sentence article", "1.0 MB", seconds, server.rss_mb(),
               f"{status}, answered before annotation", status == 202 and seconds < 2)
        batch = "".join(line(distinct_text(i), id=f"batch-{i}") for i in range(1000))
        status, body, seconds = http(server.port, "/api/articles", "POST", batch.encode(), auth)
        record("POST of 1,000 articles while the first is annotated", f"{len(batch) / 1e6:.1f} MB",
               seconds, server.rss_mb(), f"{status} {json.loads(body).get('new')} new", status == 202 and seconds <= 2)
        status, body = post_oversized(server.port, "/api/articles", 9 << 20, auth)
        record("POST over the 8 MiB limit", "9 MiB", 0, float("nan"), f"{status} {body[:50]!r}",
               status == 413 and body.startswith(b"{"))
        # Idle connections beyond the connection limit: health still answers once
        # they time out, and while they wait within the limit.
        idle = []
        for _ in range(400):
            s = socket.create_connection(("127.0.0.1", server.port))
            idle.append(s)
        status, _, seconds = http(server.port, "/api/health", timeout=30)
        record("400 idle connections open", "-", seconds, server.rss_mb(), f"health {status}",
               status == 200 and seconds < 1)
        for s in idle:
            s.close()
        started = time.monotonic()
        while json.loads(http(server.port, "/api/status")[1])["pending"] > 0:
            if time.monotonic() - started > 600:
                break
            time.sleep(0.5)
        record("background annotation of the POSTs", "1,001 articles", time.monotonic() - started,
               server.rss_mb(), json.dumps(json.loads(http(server.port, "/api/status")[1])),
               time.monotonic() - started < 600)
    finally:
        server.stop()

    # A server started without --actors on a new store, and an ingest with them,
    # at once: both must settle on the store's dictionaries (no ping-pong, no silent
    # re-annotation with fewer dictionaries), with POSTs arriving meanwhile.
    examples = ROOT / "examples"
    actors = examples / "dictionary" / "fictional.actors"
    posts = [line(distinct_text(5000 + i), id=f"mid-{i}") for i in range(5)]
    (tmp / "posts.jsonl").write_text("".join(posts))
    reference = tmp / "reference.db"
    timed(["ingest", str(examples), str(tmp / "server.jsonl"), str(tmp / "posts.jsonl"),
           "--actors", str(actors), "--db", str(reference), "--quiet"], timeout=300)
    db = tmp / "together.db"
    timed(["ingest", str(tmp / "server.jsonl"), "--db", str(db), "--quiet", "--no-extract"])
    server = Server(db, "--token", token)
    try:
        started = time.monotonic()
        ingest = subprocess.Popen([BIN, "ingest", str(examples), "--actors", str(actors),
                                   "--db", str(db), "--quiet"], stderr=subprocess.DEVNULL)
        auth = {"Authorization": f"Bearer {token}"}
        for post in posts:
            http(server.port, "/api/articles", "POST", post.encode(), auth)
            time.sleep(0.2)
        ingest.wait(timeout=300)
        while json.loads(http(server.port, "/api/status")[1])["pending"] > 0:
            if time.monotonic() - started > 300:
                break
            time.sleep(0.5)
        seconds = time.monotonic() - started
    finally:
        server.stop()
    def event_count(path):
        _, _, _, out, _ = timed(["events", "--db", str(path), "--limit", "100000", "--json"])
        return sum(1 for l in out.splitlines() if l.strip())
    ours, theirs = event_count(db), event_count(reference)
    record("server without --actors and ingest --actors at once", "55 + 301 articles", seconds,
           float("nan"), f"events {ours} (reference {theirs}), settled", ours == theirs and seconds < 300)

    print("| input | size | seconds | peak RSS MB | outcome |")
    print("|---|---|---:|---:|---|")
    for case, size, seconds, rss, outcome, ok in rows:
        rss_text = "-" if rss != rss else f"{rss:.0f}"
        print(f"| {case} | {size} | {seconds:.2f} | {rss_text} | {outcome}{'' if ok else ' **FAIL**'} |")
    if failures:
        print(f"{len(failures)} cases failed: {', '.join(failures)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
