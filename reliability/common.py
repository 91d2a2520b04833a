"""Shared helpers for the reliability harness (stdlib only).

* a deterministic synthetic corpus of fictional news articles;
* locating and running the `dateline` binary;
* comparing two stores through `dateline export`;
* starting and stopping `dateline serve`.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def binary() -> str:
    """`$DATELINE_BIN`, else target/release/dateline under the repository root."""
    path = os.environ.get("DATELINE_BIN") or str(REPO / "target" / "release" / "dateline")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        sys.exit(f"dateline binary not found at {path}; set DATELINE_BIN")
    return path


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------
# Synthetic corpus
# --------------------------------------------------------------------------------------

_SYLLABLES = [
    "al", "bar", "cen", "dor", "el", "fen", "gar", "hal", "is", "jor", "kel", "lun",
    "mar", "nor", "ost", "pel", "quin", "ros", "sel", "tor", "ul", "var", "wen", "yst",
    "zar", "bri", "cav", "dru", "esk", "fal", "gri", "hev", "ith", "kra", "lom", "mev",
]
_FIRST = [
    "Arden", "Belka", "Corvin", "Dessa", "Emrik", "Fenna", "Goran", "Hedda", "Ivo",
    "Jorun", "Kaspar", "Liesel", "Marek", "Nadja", "Oskar", "Petra", "Quillan", "Rosa",
    "Stellan", "Tilde", "Ulrik", "Vesna", "Wendel", "Xenia", "Yorick", "Zora", "Anselm",
    "Brisa", "Caius", "Dorit", "Elian", "Freya", "Gideon", "Halla", "Isolde", "Jasper",
]
_ROLES = [
    "foreign minister", "prime minister", "defence minister", "president",
    "interior minister", "trade minister", "spokeswoman", "spokesman", "mayor",
    "opposition leader", "central bank governor", "army chief",
]
_VERBS_SAID = ["said", "told reporters", "said on Tuesday", "said on Friday", "added",
               "told the {outlet}", "said in a statement", "warned", "insisted"]
_TOPICS = ["ferry routes", "grain exports", "the border crossing", "fishing quotas",
           "the harbour tariff", "power exports", "the river treaty", "rail freight",
           "the customs union", "water rights", "the lighthouse accord", "airspace"]
_FILLER = [
    "envoy", "island", "ferry", "minister", "border", "talks", "harbour", "treaty",
    "mediator", "delegation", "summit", "lighthouse", "patrol", "council", "river",
    "vote", "grain", "market", "winter", "convoy", "bridge", "archive", "coastline",
    "festival", "tariff", "shipyard", "valley", "garrison", "ledger", "orchard",
    "quarry", "railway", "reservoir", "tribunal", "granary", "ministry", "assembly",
]


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(parts)).capitalize()


class _World:
    """Invented countries, cities, people and outlets, fixed by the seed."""

    def __init__(self, rng: random.Random):
        seen: set[str] = set()

        def fresh(parts: int, suffix: str = "") -> str:
            while True:
                w = _word(rng, parts) + suffix
                if w not in seen:
                    seen.add(w)
                    return w

        self.countries = [fresh(2, rng.choice(["ia", "ora", "mere", "land", "ova"]))
                          for _ in range(14)]
        self.cities = [fresh(2, rng.choice(["holt", "wick", "burg", "port", "ford", ""]))
                       for _ in range(40)]
        self.surnames = [fresh(2, rng.choice(["", "sen", "ov", "ek", "ard"])) for _ in range(120)]
        self.people = []
        for i in range(160):
            self.people.append({
                "name": f"{rng.choice(_FIRST)} {self.surnames[i % len(self.surnames)]}",
                "role": rng.choice(_ROLES),
                "country": rng.choice(self.countries),
            })
        self.outlets = [f"The {fresh(2)} {kind}" for kind in
                        ["Ledger", "Courier", "Herald", "Gazette", "Observer", "Tribune",
                         "Dispatch", "Chronicle", "Post", "Wire"]]


def _sentence(rng: random.Random, w: _World, serial: int) -> str:
    p = rng.choice(w.people)
    q = rng.choice(w.people)
    c1, c2 = rng.sample(w.countries, 2)
    city = rng.choice(w.cities)
    topic = rng.choice(_TOPICS)
    said = rng.choice(_VERBS_SAID).format(outlet=rng.choice(w.outlets).removeprefix("The "))
    n = rng.randint(2, 400)
    surname = p["name"].split()[-1]
    templates = [
        f'"We will not negotiate over {topic} while {c2} keeps its ships in {city}," '
        f'{p["country"]} {p["role"].title()} {p["name"]} {said}.',
        f'{p["name"]}, the {p["role"]} of {p["country"]}, {said} that {c1} was ready '
        f"to resume talks with {c2} on {topic}.",
        f"{c1} accused {c2} of violating the agreement on {topic} near {city}.",
        f"{p['name']} met {q['name']} in {city} to discuss {topic}.",
        f"{c1} threatened to impose sanctions on {c2} if the dispute over {topic} "
        f"was not settled by spring.",
        f"Officials in {city} said {n} people had gathered to protest against the "
        f"plan for {topic}.",
        f'"This is a good day for {c1}," {surname} {said}. "We have waited long enough."',
        f"{c2} rejected the proposal from {c1}, calling it an insult to {city}.",
        f"The {p['role']} of {c1}, {p['name']}, praised the mediators from {c2}.",
        f"{c1} sent {n} troops to the border with {c2}, according to the {rng.choice(w.outlets).removeprefix('The ')}.",
        f"{c1} and {c2} signed an agreement on {topic} in {city} on Monday.",
        f"{q['name']} did not attend the summit in {city}, {surname} said.",
        f"{c2} will consider new talks only if {c1} withdraws from {city}, "
        f"{p['name']} told the {rng.choice(w.outlets).removeprefix('The ')}.",
    ]
    if rng.random() < 0.25:
        words = [rng.choice(_FILLER) for _ in range(rng.randint(8, 16))]
        words[0] = words[0].capitalize()
        return " ".join(words) + f" {serial % 97 + rng.randint(1, 900)}."
    return rng.choice(templates)


def actor_dictionary(seed: int) -> str:
    """A Phoenix/CAMEO actor dictionary for the corpus of `seed`: its invented countries
    (made-up 3-letter codes starting with Q or X) and each capital as the government's
    seat, so that events get coded. The people are left to be found in the text."""
    world = _World(random.Random(seed))
    lines = ["# Generated by reliability/common.py: fictional countries, made-up codes."]
    for i, country in enumerate(world.countries):
        code = "Q" + chr(ord("A") + i // 26 % 26) + chr(ord("A") + i % 26)
        lines.append(f"{country.upper()}_ [{code}]")
        lines.append(f"+REPUBLIC_OF_{country.upper()}_")
        lines.append(f"{world.cities[i].upper()}_ [{code}GOV]")
    return "\n".join(lines) + "\n"


def generate_corpus(n: int, seed: int) -> list[dict]:
    """`n` fictional articles: {id, date, title, text, outlet}; texts are distinct.

    Each article opens with a unique dateline sentence and has 3–6 paragraphs of 2–4
    sentences built from invented people, countries, cities and outlets."""
    rng = random.Random(seed)
    world = _World(rng)
    articles = []
    texts: set[str] = set()
    for i in range(n):
        day = i * 730 // max(n, 1)
        date = time.strftime("%Y-%m-%d", time.gmtime(1924992000 + day * 86400))  # from 2031-01-01
        city = rng.choice(world.cities)
        paragraphs = [f"{city.upper()}, dispatch {seed}-{i}: "
                      + _sentence(rng, world, i)]
        for _ in range(rng.randint(3, 6)):
            paragraphs.append(" ".join(_sentence(rng, world, i) for _ in range(rng.randint(2, 4))))
        text = "\n\n".join(paragraphs)
        assert text not in texts
        texts.add(text)
        c1, c2 = rng.sample(world.countries, 2)
        title = rng.choice([
            f"{c1} and {c2} at odds over {rng.choice(_TOPICS)}",
            f"Talks in {city} stall as {c1} hardens stance",
            f"{rng.choice(world.people)['name']} visits {city}",
            f"{c1} offers {c2} new terms on {rng.choice(_TOPICS)}",
        ])
        articles.append({
            "id": f"syn-{seed}-{i:06d}",
            "date": date,
            "title": title,
            "text": text,
            "outlet": rng.choice(world.outlets),
        })
    return articles


def write_jsonl(path: Path, records: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


# --------------------------------------------------------------------------------------
# Running dateline
# --------------------------------------------------------------------------------------


def remove_store(db: Path) -> None:
    """Deletes a store: its file, WAL and shared memory, and its search index
    directory (`<db>-search`)."""
    import shutil
    for p in db.parent.glob(db.name + "*"):
        if p.is_dir():
            shutil.rmtree(p)
        else:
            p.unlink()


def run(args: list[str], timeout: float = 3600, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([binary(), *args], capture_output=True, text=True,
                          timeout=timeout, **kw)


def nice_preexec(extra=None):
    """preexec_fn lowering priority (the machine is shared), then running `extra`."""

    def fn():
        try:
            os.nice(10)
        except OSError:
            pass
        if extra:
            extra()

    return fn


def check(db: Path) -> tuple[bool, str]:
    """`dateline check --db DB`: (passed, output)."""
    r = run(["check", "--db", str(db)], timeout=900)
    return r.returncode == 0, (r.stdout + r.stderr).strip()


# Columns that legitimately differ between two stores holding the same content. Filled
# in after inspecting `dateline export` (see README.md, "What the comparison ignores").
IGNORED_COLUMNS: dict[str, set[str]] = {}


def export_tables(db: Path, out: Path) -> dict[str, list[str]]:
    """Exports DB as JSON Lines into OUT; returns table -> sorted canonical rows."""
    if out.exists():
        shutil.rmtree(out)
    r = run(["export", "--out", str(out), "--db", str(db)], timeout=1800)
    if r.returncode != 0:
        raise RuntimeError(f"export failed ({r.returncode}): {r.stderr.strip()}")
    tables: dict[str, list[str]] = {}
    for f in sorted(out.glob("*.jsonl")):
        table = f.stem
        ignored = IGNORED_COLUMNS.get(table, set())
        rows = []
        with open(f, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                rec = json.loads(line)
                for col in ignored:
                    rec.pop(col, None)
                rows.append(json.dumps(rec, sort_keys=True, ensure_ascii=False))
        rows.sort()
        tables[table] = rows
    return tables


def digest(tables: dict[str, list[str]]) -> dict[str, tuple[int, str]]:
    return {t: (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16])
            for t, rows in tables.items()}


def compare_tables(ref: dict[str, list[str]], got: dict[str, list[str]],
                   key=lambda row: json.loads(row).get("id")) -> dict:
    """Per table: rows missing from GOT (lost), rows present more often than in REF
    (duplicated), and rows in GOT that REF does not have (mismatched)."""
    from collections import Counter

    report = {"lost": 0, "duplicated": 0, "mismatched": 0, "tables": {}, "examples": []}
    for table in sorted(set(ref) | set(got)):
        a, b = Counter(ref.get(table, [])), Counter(got.get(table, []))
        lost = sum((a - b).values())
        extra = b - a
        # an extra row equal to a reference row is a duplicate; otherwise a mismatch
        dup = sum(n for row, n in extra.items() if row in a)
        mism = sum(n for row, n in extra.items() if row not in a)
        # a mismatched row replacing a reference row counts once, as mismatched
        lost_only = max(0, lost - mism)
        if lost or dup or mism:
            report["tables"][table] = {"lost": lost_only, "duplicated": dup,
                                       "mismatched": mism}
            for row in list((a - b).keys())[:2]:
                report["examples"].append(f"{table}: missing {row[:300]}")
            for row in list(extra.keys())[:2]:
                report["examples"].append(f"{table}: unexpected {row[:300]}")
        report["lost"] += lost_only
        report["duplicated"] += dup
        report["mismatched"] += mism
    return report


# --------------------------------------------------------------------------------------
# Server
# --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`dateline serve` on loopback, its stderr in a log file."""

    def __init__(self, db: Path, log_path: Path, token: str | None = None,
                 port: int | None = None, extra: list[str] | None = None,
                 nice: bool = False):
        self.db, self.log_path, self.token = db, log_path, token
        self.port = port or free_port()
        self.extra = extra or []
        self.nice = nice
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "Server":
        args = [binary(), "serve", "--addr", f"127.0.0.1:{self.port}", "--db", str(self.db)]
        if self.token:
            args += ["--token", self.token]
        args += self.extra
        self._log = open(self.log_path, "a")
        self.proc = subprocess.Popen(args, stdout=self._log, stderr=self._log,
                                     preexec_fn=nice_preexec() if self.nice else None)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited ({self.proc.returncode}); see {self.log_path}")
            try:
                st, _ = request("GET", self.port, "/api/health", timeout=2)
                if st == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not answer /api/health in time")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_annotated(self, timeout: float = 600) -> bool:
        """Waits until the server's background worker has annotated every stored
        article (`GET /api/status`: nothing pending, not annotating)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                status, body = request("GET", self.port, "/api/status")
                state = json.loads(body)
                if status == 200 and state.get("pending") == 0 and not state.get("annotating"):
                    return True
            except (OSError, ValueError):
                pass
            time.sleep(0.2)
        return False

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "_log", None):
            self._log.close()


def request(method: str, port: int, path: str, body: bytes | None = None,
            headers: dict | None = None, timeout: float = 60) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def post_articles(port: int, token: str, records: list[dict],
                  timeout: float = 300) -> tuple[int, bytes]:
    body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
    return request("POST", port, "/api/articles", body,
                   {"Authorization": f"Bearer {token}",
                    "Content-Type": "application/x-ndjson"}, timeout=timeout)
