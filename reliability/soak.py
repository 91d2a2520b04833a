#!/usr/bin/env python3
"""Soak `dateline serve`: 32 concurrent readers over the GET routes while a writer POSTs
batches of new articles; samples the server's RSS and the WAL size every second.

    DATELINE_BIN=/tmp/rel/dateline python3 reliability/soak.py --seconds 600

Reports requests, errors (any status other than 2xx and 404 — and 300 on
/api/actors/{id}, the documented answer to an ambiguous name — any connection error, and
any "database is locked" in a body or the server log), p50/p99 latency per route, RSS
at start/end/max and the largest WAL, and the time of one POST of 1,000 articles made
half-way through while the readers run (target <= 2 s). Exit 1 on any error or a
missed target. See README.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from common import log  # noqa: E402

TOKEN = "soak-token-0123456789abcdef"


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.lat = defaultdict(list)
        self.status = defaultdict(lambda: defaultdict(int))
        self.errors: list[str] = []
        self.locked = 0

    def add(self, route: str, status: str, seconds: float, error: str | None = None,
            locked: bool = False):
        with self.lock:
            self.lat[route].append(seconds)
            self.status[route][status] += 1
            if error and len(self.errors) < 200:
                self.errors.append(error)
            if locked:
                self.locked += 1


class Reader(threading.Thread):
    def __init__(self, n: int, port: int, stop: threading.Event, stats: Stats, vocab: dict,
                 seed: int):
        super().__init__(daemon=True)
        self.port, self.stop, self.stats, self.v = port, stop, stats, vocab
        self.rng = random.Random(seed * 1000 + n)
        self.conn = None

    def pick(self) -> tuple[str, str]:
        r, v = self.rng, self.v
        window = ""
        x = r.random()
        if x < 0.2:
            window = f"&as_of=203{r.choice('12')}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
        elif x < 0.3:
            window = f"&from=2031-{r.randint(1, 6):02d}-01&to=2032-{r.randint(1, 12):02d}-28"
        limit = r.choice([10, 50, 100])
        routes = [
            (20, "/api/search", lambda: f"/api/search?q={urllib.parse.quote(r.choice(v['words']))}&limit={limit}{window}"),
            (15, "/api/articles", lambda: f"/api/articles?limit={limit}{window}" + (
                f"&cursor={urllib.parse.quote(r.choice(v['cursors']))}" if v["cursors"] and r.random() < 0.5 else "")),
            (15, "/api/articles/{id}", lambda: f"/api/articles/{urllib.parse.quote(r.choice(v['ids']))}" + (window.replace("&", "?", 1) if "as_of" in window else "")),
            (10, "/api/actors", lambda: f"/api/actors?limit={limit}{window}" + (
                f"&q={urllib.parse.quote(r.choice(v['names']).split()[-1])}" if r.random() < 0.5 else "")),
            (10, "/api/actors/{id}", lambda: f"/api/actors/{urllib.parse.quote(r.choice(v['actors']))}"),
            (10, "/api/statements", lambda: f"/api/statements?limit={limit}{window}" + (
                f"&speaker={urllib.parse.quote(r.choice(v['actors']))}" if r.random() < 0.5 else "")),
            (10, "/api/events", lambda: f"/api/events?limit={limit}{window}" + (
                f"&source={urllib.parse.quote(r.choice(v['countries']))}" if r.random() < 0.6 else "")),
            (8, "/api/timeline", lambda: f"/api/timeline?actor={urllib.parse.quote(r.choice(v['actors']))}" + (
                f"&topic={r.choice(['negotiation', 'relations'])}" if r.random() < 0.5 else "")),
            (2, "/api/health", lambda: "/api/health"),
        ]
        total = sum(w for w, _, _ in routes)
        x = r.uniform(0, total)
        for w, name, make in routes:
            x -= w
            if x <= 0:
                return name, make()
        return routes[-1][1], routes[-1][2]()

    def run(self):
        while not self.stop.is_set():
            route, path = self.pick()
            t0 = time.monotonic()
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                self.conn.request("GET", path)
                resp = self.conn.getresponse()
                body = resp.read()
                dt = time.monotonic() - t0
                st = resp.status
                ok = 200 <= st < 300 or st == 404 or (st == 300 and route == "/api/actors/{id}")
                locked = b"database is locked" in body
                self.stats.add(route, str(st), dt,
                               None if ok and not locked else f"{st} GET {path}: {body[:300]!r}",
                               locked)
                if st == 200 and route == "/api/articles" and self.rng.random() < 0.2:
                    try:
                        nxt = json.loads(body).get("next_cursor")
                        if nxt and len(self.v["cursors"]) < 500:
                            self.v["cursors"].append(nxt)
                    except ValueError:
                        pass
            except (OSError, http.client.HTTPException) as e:
                dt = time.monotonic() - t0
                self.stats.add(route, f"conn:{type(e).__name__}", dt,
                               f"connection error on GET {path}: {e!r}")
                try:
                    self.conn.close()
                except Exception:
                    pass
                self.conn = None


class Writer(threading.Thread):
    def __init__(self, port: int, stop: threading.Event, batch: int, pause: float,
                 big_at: float, big_size: int, seed: int):
        super().__init__(daemon=True)
        self.port, self.stop, self.batch, self.pause = port, stop, batch, pause
        self.big_at, self.big_size, self.seed = big_at, big_size, seed
        self.lat: list[float] = []
        self.statuses = defaultdict(int)
        self.errors: list[str] = []
        self.posted = 0
        self.big: dict | None = None
        self._pool: list[dict] = []
        self._chunk = 0

    def take(self, n: int) -> list[dict]:
        while len(self._pool) < n:  # a fresh invented world per chunk: distinct texts
            self._chunk += 1
            self._pool += common.generate_corpus(2000, self.seed * 100 + self._chunk)
        out, self._pool = self._pool[:n], self._pool[n:]
        return out

    def post(self, records: list[dict]) -> tuple[str, float]:
        t0 = time.monotonic()
        try:
            st, body = common.post_articles(self.port, TOKEN, records, timeout=600)
            dt = time.monotonic() - t0
            key = str(st)
            if not 200 <= st < 300 or b"database is locked" in body:
                self.errors.append(f"POST {len(records)} articles: {st} {body[:300]!r}")
            else:
                self.posted += json.loads(body).get("new", 0)
        except (OSError, http.client.HTTPException) as e:
            dt = time.monotonic() - t0
            key = f"conn:{type(e).__name__}"
            self.errors.append(f"POST {len(records)} articles: {e!r}")
        self.statuses[key] += 1
        return key, dt

    def run(self):
        start = time.monotonic()
        big_records = self.take(self.big_size)
        while not self.stop.is_set():
            if self.big is None and time.monotonic() - start >= self.big_at:
                key, dt = self.post(big_records)
                self.big = {"articles": len(big_records), "status": key,
                            "seconds": round(dt, 2),
                            "at_s": round(time.monotonic() - start, 1)}
                log(f"soak: POST of {len(big_records)} articles: {key} in {dt:.2f}s")
                continue
            key, dt = self.post(self.take(self.batch))
            self.lat.append(dt)
            self.stop.wait(self.pause)


class Sampler(threading.Thread):
    def __init__(self, pid: int, db: Path, stop: threading.Event, out: Path):
        super().__init__(daemon=True)
        self.pid, self.db, self.stop, self.out = pid, db, stop, out
        self.samples: list[tuple[float, int, int, int]] = []

    def sample(self) -> tuple[float, int, int, int] | None:
        try:
            with open(f"/proc/{self.pid}/status") as f:
                rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            return None
        size = lambda p: p.stat().st_size if p.exists() else 0  # noqa: E731
        return (time.time(), rss, size(Path(str(self.db) + "-wal")), size(self.db))

    def run(self):
        with open(self.out, "w") as f:
            f.write("time,rss_kib,wal_bytes,db_bytes\n")
            while True:
                s = self.sample()
                if s:
                    self.samples.append(s)
                    f.write(",".join(str(x) for x in s) + "\n")
                    f.flush()
                if self.stop.wait(1.0):
                    break
        s = self.sample()
        if s:
            self.samples.append(s)


def vocabulary(port: int, articles: list[dict]) -> dict:
    _, body = common.request("GET", port, "/api/actors?limit=500")
    actors = json.loads(body)["items"]
    words = ["talks", "ferry", "border", "\"grain exports\"", "sanctions", "harbour OR river",
             "summit", "protest", "lighth*", "minister", "agreement", "troops", "quota*"]
    rng = random.Random(5)
    for a in rng.sample(articles, min(200, len(articles))):
        words.append(rng.choice(a["text"].split()).strip(".,\"'"))
    return {
        "ids": [a["id"] for a in articles] + ["no-such-article"],
        "actors": [a["id"] for a in actors] + [a["name"] for a in actors[:50]] + ["Nobody Atall"],
        "names": [a["name"] for a in actors] or ["x"],
        "countries": [a["id"] for a in actors if a.get("kind") == "country"] or ["x"],
        "words": words,
        "cursors": [],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=int, default=600)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--articles", type=int, default=2000, help="articles in the store at start")
    ap.add_argument("--batch", type=int, default=20, help="articles per writer POST")
    ap.add_argument("--pause", type=float, default=1.0, help="seconds between writer POSTs")
    ap.add_argument("--big", type=int, default=1000, help="articles in the timed POST")
    ap.add_argument("--big-target", type=float, default=2.0, help="seconds")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--workdir", type=Path)
    a = ap.parse_args()
    try:
        os.nice(10)
    except OSError:
        pass
    work = a.workdir or Path(tempfile.mkdtemp(prefix="dateline-soak-"))
    work.mkdir(parents=True, exist_ok=True)
    articles = common.generate_corpus(a.articles, a.seed)
    corpus = common.write_jsonl(work / "corpus.jsonl", articles)
    actors = work / "corpus.actors"
    actors.write_text(common.actor_dictionary(a.seed))
    db = work / "soak.db"
    common.remove_store(db)
    t0 = time.monotonic()
    r = common.run(["ingest", str(corpus), "--db", str(db), "--quiet", "--actors", str(actors)])
    if r.returncode != 0:
        log(f"ingest failed: {r.stderr}")
        return 1
    log(f"soak: store of {a.articles} articles built in {time.monotonic() - t0:.1f}s; "
        f"work dir {work}")

    logf = work / "serve.log"
    srv = common.Server(db, logf, token=TOKEN).start()
    stop = threading.Event()
    stats = Stats()
    sampler = Sampler(srv.pid, db, stop, work / "samples.csv")
    sampler.start()
    vocab = vocabulary(srv.port, articles)
    readers = [Reader(i, srv.port, stop, stats, vocab, a.seed) for i in range(a.clients)]
    writer = Writer(srv.port, stop, a.batch, a.pause, a.seconds / 2, a.big, a.seed)
    t_start = time.monotonic()
    for t in readers:
        t.start()
    writer.start()
    try:
        while time.monotonic() - t_start < a.seconds:
            time.sleep(min(30, a.seconds - (time.monotonic() - t_start)))
            n = sum(len(v) for v in stats.lat.values())
            log(f"soak: {time.monotonic() - t_start:.0f}s, {n} reads, "
                f"{len(stats.errors)} read errors, {writer.posted} articles posted, "
                f"RSS {sampler.samples[-1][1] // 1024 if sampler.samples else '?'} MiB")
    finally:
        stop.set()
        for t in readers:
            t.join(timeout=70)
        writer.join(timeout=700)
        elapsed = time.monotonic() - t_start
        alive = srv.proc.poll() is None
        sampler.join(timeout=5)
        srv.stop()

    problems = []
    if not alive:
        problems.append(f"server exited during the soak ({srv.proc.returncode})")
    log_lines = logf.read_text().splitlines()
    locked_log = [line for line in log_lines if "locked" in line]
    panics = [line for line in log_lines if "panicked" in line]
    problems += [f"server log: {line}" for line in (locked_log + panics)[:20]]
    ok, out = common.check(db)
    if not ok:
        problems.append(f"dateline check failed: {out[-400:]}")

    routes = {}
    total_req = total_err = 0
    for route in sorted(stats.lat):
        lat = stats.lat[route]
        sts = dict(stats.status[route])
        errs = sum(n for s, n in sts.items()
                   if not (s.startswith("2") or s == "404" or (s == "300" and route == "/api/actors/{id}")))
        total_req += len(lat)
        total_err += errs
        routes[route] = {"requests": len(lat), "errors": errs, "statuses": sts,
                         "p50_ms": round(pct(lat, 50) * 1000, 1),
                         "p99_ms": round(pct(lat, 99) * 1000, 1),
                         "max_ms": round(max(lat) * 1000, 1)}
    rss = [s[1] for s in sampler.samples]
    wal = [s[2] for s in sampler.samples]
    dbs = [s[3] for s in sampler.samples]
    summary = {
        "seconds": round(elapsed, 1), "clients": a.clients, "start_articles": a.articles,
        "requests": total_req, "requests_per_s": round(total_req / elapsed, 1),
        "errors": total_err, "locked_in_bodies": stats.locked,
        "locked_in_server_log": len(locked_log), "panics": len(panics),
        "rss_mib": {"start": round(rss[0] / 1024, 1) if rss else None,
                    "end": round(rss[-1] / 1024, 1) if rss else None,
                    "max": round(max(rss) / 1024, 1) if rss else None},
        "wal_max_mib": round(max(wal) / 2**20, 1) if wal else None,
        "db_mib": {"start": round(dbs[0] / 2**20, 1) if dbs else None,
                   "end": round(dbs[-1] / 2**20, 1) if dbs else None},
        "writer": {"posts": sum(writer.statuses.values()), "statuses": dict(writer.statuses),
                   "articles_stored": writer.posted, "batch": a.batch,
                   "p50_s": round(pct(writer.lat, 50), 2), "p99_s": round(pct(writer.lat, 99), 2),
                   "errors": writer.errors[:10]},
        "big_post": writer.big, "big_post_target_s": a.big_target,
        "routes": routes, "error_examples": stats.errors[:15], "work": str(work),
    }
    if total_err or stats.locked:
        problems.append(f"{total_err} read errors, {stats.locked} 'database is locked' bodies")
    if writer.errors:
        problems.append(f"{len(writer.errors)} writer errors: {writer.errors[:3]}")
    if writer.big is None:
        problems.append("the timed 1,000-article POST did not run (soak too short?)")
    elif not writer.big["status"].startswith("2"):
        problems.append(f"the 1,000-article POST failed: {writer.big}")
    elif writer.big["seconds"] > a.big_target:
        problems.append(f"target missed: POST of {writer.big['articles']} articles took "
                        f"{writer.big['seconds']}s (target <= {a.big_target}s)")
    summary["problems"] = problems
    (work / "soak-report.json").write_text(json.dumps(summary, indent=1))
    print(json.dumps({k: v for k, v in summary.items() if k != "routes"}, indent=1))
    print(f"{'route':<22}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for route, r in routes.items():
        print(f"{route:<22}{r['requests']:>9}{r['errors']:>8}{r['p50_ms']:>9}{r['p99_ms']:>9}"
              f"{r['max_ms']:>9}")
    print("soak: FAIL" if problems else "soak: PASS")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
