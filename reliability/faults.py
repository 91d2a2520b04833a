#!/usr/bin/env python3
"""Injected I/O faults against `dateline`: disk full, read-only store, `serve` killed
while receiving POSTs.

    DATELINE_BIN=/tmp/rel/dateline python3 reliability/faults.py            # all three
    python3 reliability/faults.py --only disk,readonly --articles 1000
    python3 reliability/faults.py --only serve --trials 5 --kills 3

Exit status 0 when every case behaved, 1 otherwise. See README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from common import log  # noqa: E402
import storediff  # noqa: E402

PANIC_MARKERS = ("panicked", "RUST_BACKTRACE", "stack backtrace")


class Ctx:
    def __init__(self, work: Path, corpus: Path, actors: Path, articles: list[dict]):
        self.work, self.corpus, self.actors, self.articles = work, corpus, actors, articles
        self.results: list[dict] = []
        self.ref_export = None
        self.ref_deep = None
        self.ref_size = 0

    def record(self, case: str, ok: bool | None, **details) -> None:
        """ok None = skipped."""
        status = "SKIP" if ok is None else ("ok" if ok else "FAIL")
        self.results.append({"case": case, "status": status, **details})
        brief = {k: v for k, v in details.items() if k in ("problems", "message", "reason")}
        log(f"[{status}] {case} {json.dumps(brief)[:900] if brief else ''}")


def ingest_cmd(ctx: Ctx, db: Path, corpus: Path | None = None) -> list[str]:
    return [common.binary(), "ingest", str(corpus or ctx.corpus), "--db", str(db), "--quiet",
            "--actors", str(ctx.actors)]


def stderr_problems(stderr: str) -> list[str]:
    out = []
    if any(m in stderr for m in PANIC_MARKERS):
        out.append("panic: " + stderr.strip()[-400:])
    if not stderr.strip():
        out.append("no error message on stderr")
    return out


def rm_store(db: Path) -> None:
    common.remove_store(db)


def verify_store(ctx: Ctx, db: Path, label: str, resume: bool = True) -> list[str]:
    """check passes; after a re-run (if `resume`) the content equals the reference."""
    problems = []
    ok, out = common.check(db)
    if not ok:
        problems.append(f"check after {label} failed: {out[-600:]}")
    if resume:
        r = subprocess.run(ingest_cmd(ctx, db), capture_output=True, text=True, timeout=3600)
        if r.returncode != 0:
            problems.append(f"re-run after {label} exited {r.returncode}: {r.stderr[-600:]}")
        ok, out = common.check(db)
        if not ok:
            problems.append(f"check after re-run failed: {out[-600:]}")
        problems += content_problems(ctx, db, ctx.work / "cmp-export")
    return problems


def content_problems(ctx: Ctx, db: Path, export_dir: Path, ref_export=None,
                     ref_deep=None) -> list[str]:
    problems = []
    try:
        diff = common.compare_tables(ref_export or ctx.ref_export,
                                     common.export_tables(db, export_dir))
        if diff["lost"] or diff["duplicated"] or diff["mismatched"]:
            problems.append(f"export differs from reference: {diff['tables']} "
                            f"{diff['examples'][:3]}")
    except RuntimeError as e:
        problems.append(str(e))
    deep = storediff.compare(ref_deep or ctx.ref_deep, storediff.snapshot(db))
    if deep:
        problems.append(f"internal tables differ: {deep}")
    return problems


# --------------------------------------------------------------------------------------
# (a) disk full
# --------------------------------------------------------------------------------------


def fsize_limit(limit: int):
    def fn():
        os.nice(10)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return fn


def disk_full(ctx: Ctx, fractions: list[float]) -> None:
    for frac in fractions:
        limit = max(16384, int(ctx.ref_size * frac))
        db = ctx.work / f"fsize-{frac}.db"
        rm_store(db)
        t0 = time.monotonic()
        r = subprocess.run(ingest_cmd(ctx, db), capture_output=True, text=True,
                           timeout=3600, preexec_fn=fsize_limit(limit))
        case = f"disk-full RLIMIT_FSIZE={limit} ({frac:.0%} of the reference store)"
        details = {"rc": r.returncode, "seconds": round(time.monotonic() - t0, 1),
                   "message": r.stderr.strip()[-500:]}
        problems = []
        if r.returncode == 0:
            details["reason"] = "limit not reached: ingest completed"
            problems += verify_store(ctx, db, "ingest", resume=False)
            problems += content_problems(ctx, db, ctx.work / "cmp-export")
        else:
            if r.returncode < 0:
                problems.append(f"killed by signal {-r.returncode} instead of an error exit")
            problems += stderr_problems(r.stderr)
            sizes = {p.name: p.stat().st_size for p in ctx.work.glob(db.name + "*")}
            details["files_at_failure"] = sizes
            if db.exists():
                problems += verify_store(ctx, db, "disk full")
            else:
                details["note"] = "no store file was created"
        details["problems"] = problems
        ctx.record(case, not problems, **details)
        if not problems:
            rm_store(db)


def tmpfs_full(ctx: Ctx, sizes_mb: list[int]) -> None:
    for size in sizes_mb:
        mnt = ctx.work / f"tmpfs-{size}m"
        mnt.mkdir(exist_ok=True)
        case = f"disk-full tmpfs size={size}m"
        m = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}m", "tmpfs", str(mnt)],
                           capture_output=True, text=True)
        if m.returncode != 0:
            ctx.record(case, None, reason=f"cannot mount tmpfs: {m.stderr.strip()}")
            return
        try:
            db = mnt / "store.db"
            r = subprocess.run(ingest_cmd(ctx, db), capture_output=True, text=True,
                               timeout=3600, preexec_fn=common.nice_preexec())
            details = {"rc": r.returncode, "message": r.stderr.strip()[-500:]}
            problems = []
            if r.returncode == 0:
                details["reason"] = "tmpfs not filled: ingest completed"
            else:
                if r.returncode < 0:
                    problems.append(f"killed by signal {-r.returncode}")
                problems += stderr_problems(r.stderr)
                details["files_at_failure"] = {p.name: p.stat().st_size for p in mnt.iterdir()}
            subprocess.run(["mount", "-o", "remount,size=2g", str(mnt)], check=True)
            if db.exists():
                problems += verify_store(ctx, db, "disk full")
            details["problems"] = problems
            ctx.record(case, not problems, **details)
        finally:
            subprocess.run(["umount", str(mnt)], capture_output=True)


# --------------------------------------------------------------------------------------
# (b) read-only store
# --------------------------------------------------------------------------------------


def root_bypasses_permissions(work: Path) -> bool:
    probe = work / "perm-probe"
    probe.write_text("x")
    probe.chmod(0o444)
    try:
        with open(probe, "a"):
            return True
    except PermissionError:
        return False
    finally:
        probe.chmod(0o644)
        probe.unlink()


def as_user(uid: int, gid: int):
    def fn():
        os.nice(10)
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)

    return fn


def read_only(ctx: Ctx) -> None:
    half = ctx.articles[: len(ctx.articles) // 2]
    first = common.write_jsonl(ctx.work / "first-half.jsonl", half)
    base = ctx.work / "ro-base" / "store.db"
    base.parent.mkdir(exist_ok=True)
    rm_store(base)
    r = subprocess.run(ingest_cmd(ctx, base, first), capture_output=True, text=True)
    if r.returncode != 0:
        ctx.record("read-only: base store", False, problems=[r.stderr[-500:]])
        return
    base_export = common.export_tables(base, ctx.work / "ro-base-export")
    base_deep = storediff.snapshot(base)
    bypass = os.geteuid() == 0 and root_bypasses_permissions(ctx.work)
    nobody = pwd.getpwnam("nobody") if bypass else None
    for p in (ctx.work, ctx.corpus, ctx.actors):  # readable by an unprivileged user
        p.chmod(0o755 if p.is_dir() else 0o644)

    def fresh_copy(name: str) -> Path:
        d = ctx.work / name
        if d.exists():
            subprocess.run(["chmod", "-R", "u+w", str(d)])
            shutil.rmtree(d)
        d.mkdir()
        for f in base.parent.iterdir():
            if f.is_dir():  # the search index beside the store
                shutil.copytree(f, d / f.name)
            else:
                shutil.copy2(f, d / f.name)
        return d / "store.db"

    def attempt(case: str, db: Path, preexec, restore, method: str) -> None:
        r = subprocess.run(ingest_cmd(ctx, db), capture_output=True, text=True,
                           timeout=3600, preexec_fn=preexec)
        details = {"method": method, "rc": r.returncode, "message": r.stderr.strip()[-500:]}
        problems = []
        if r.returncode == 0:
            problems.append("ingest into a read-only store exited 0")
        elif r.returncode < 0:
            problems.append(f"killed by signal {-r.returncode}")
        problems += stderr_problems(r.stderr)
        ro_check = subprocess.run([common.binary(), "check", "--db", str(db)],
                                  capture_output=True, text=True, preexec_fn=preexec)
        details["check_while_read_only"] = {"rc": ro_check.returncode,
                                            "output": (ro_check.stdout + ro_check.stderr)[-300:]}
        restore()
        ok, out = common.check(db)
        if not ok:
            problems.append(f"check after restoring write access failed: {out[-500:]}")
        problems += content_problems(ctx, db, ctx.work / "ro-cmp-export", base_export, base_deep)
        details["problems"] = problems
        ctx.record(case, not problems, **details)

    # b1: the database file is read-only
    db = fresh_copy("ro-file")
    if bypass:
        for f in db.parent.iterdir():
            os.chown(f, nobody.pw_uid, nobody.pw_gid)
        os.chown(db.parent, nobody.pw_uid, nobody.pw_gid)
        pre, method = as_user(nobody.pw_uid, nobody.pw_gid), \
            "running as root (chmod is no barrier): store owned by and ingest run as 'nobody'"
    else:
        pre, method = common.nice_preexec(), "chmod"
    db.chmod(0o444)
    attempt("read-only database file (chmod 444)", db, pre, lambda: db.chmod(0o644), method)

    # b2: the directory is read-only and holds only the database file (a cleanly closed
    # store: its WAL is empty), so no -wal/-shm/-journal can be created
    db = fresh_copy("ro-dir")
    for suffix in ("-wal", "-shm"):
        side = Path(str(db) + suffix)
        if side.exists():
            if suffix == "-wal" and side.stat().st_size:
                log("note: the base store's WAL is not empty; keeping it")
                continue
            side.unlink()
    if bypass:
        for f in [db.parent, *db.parent.iterdir()]:
            os.chown(f, nobody.pw_uid, nobody.pw_gid)
    db.parent.chmod(0o555)
    attempt("read-only directory (chmod 555; db file writable, no -wal/-shm)", db, pre,
            lambda: db.parent.chmod(0o755), method)

    # b2': everything read-only: directory 555, the db and its -wal/-shm files 444
    db = fresh_copy("ro-all")
    if bypass:
        for f in [db.parent, *db.parent.iterdir()]:
            os.chown(f, nobody.pw_uid, nobody.pw_gid)
    files = list(db.parent.iterdir())
    for f in files:
        f.chmod(0o444)
    db.parent.chmod(0o555)

    def restore_all():
        db.parent.chmod(0o755)
        for f in files:
            f.chmod(0o644)

    attempt("read-only directory and files (555 / 444, with the store's -wal/-shm)", db, pre,
            restore_all, method)

    # b3: a read-only bind mount (stops root too)
    db = fresh_copy("ro-bind")
    mnt = ctx.work / "ro-bind-mnt"
    mnt.mkdir(exist_ok=True)
    m1 = subprocess.run(["mount", "--bind", str(db.parent), str(mnt)], capture_output=True,
                        text=True)
    m2 = m1.returncode == 0 and subprocess.run(
        ["mount", "-o", "remount,bind,ro", str(mnt)], capture_output=True, text=True)
    if m1.returncode != 0 or not m2 or m2.returncode != 0:
        subprocess.run(["umount", str(mnt)], capture_output=True)
        ctx.record("read-only bind mount", None,
                   reason=f"cannot bind-mount read-only: {m1.stderr.strip()} "
                          f"{getattr(m2, 'stderr', '')}".strip())
        return
    mounted = [True]

    def unmount():
        if mounted[0]:
            subprocess.run(["umount", str(mnt)], capture_output=True)
            mounted[0] = False

    try:
        # run as root here: the mount, not permissions, must stop the write
        r_db = mnt / "store.db"
        r = subprocess.run(ingest_cmd(ctx, r_db), capture_output=True, text=True, timeout=3600,
                           preexec_fn=common.nice_preexec())
        details = {"method": "mount --bind + remount,ro (as root)", "rc": r.returncode,
                   "message": r.stderr.strip()[-500:]}
        problems = []
        if r.returncode == 0:
            problems.append("ingest into a read-only mount exited 0")
        elif r.returncode < 0:
            problems.append(f"killed by signal {-r.returncode}")
        problems += stderr_problems(r.stderr)
        ro_check = subprocess.run([common.binary(), "check", "--db", str(r_db)],
                                  capture_output=True, text=True)
        details["check_while_read_only"] = {"rc": ro_check.returncode,
                                            "output": (ro_check.stdout + ro_check.stderr)[-300:]}
        unmount()
        ok, out = common.check(db)
        if not ok:
            problems.append(f"check afterwards failed: {out[-500:]}")
        problems += content_problems(ctx, db, ctx.work / "ro-cmp-export", base_export, base_deep)
        details["problems"] = problems
        ctx.record("read-only bind mount", not problems, **details)
    finally:
        unmount()


# --------------------------------------------------------------------------------------
# (c) serve killed while receiving POSTs
# --------------------------------------------------------------------------------------

TOKEN = "reliability-token-0123456789"


class Poster(threading.Thread):
    """POSTs every batch until each got a 2xx; the port can change under it."""

    def __init__(self, batches: list[list[dict]], port_ref: list[int], deadline: float):
        super().__init__(daemon=True)
        self.batches, self.port_ref, self.deadline = batches, port_ref, deadline
        self.acked: dict[int, dict] = {}
        self.statuses: dict[str, int] = {}
        self.attempts = 0
        self.failures: list[str] = []
        self.latencies: list[float] = []

    def run(self) -> None:
        pending = list(range(len(self.batches)))
        while pending and time.time() < self.deadline:
            i = pending[0]
            self.attempts += 1
            t0 = time.monotonic()
            try:
                status, body = common.post_articles(self.port_ref[0], TOKEN, self.batches[i],
                                                    timeout=300)
                key = str(status)
            except OSError as e:
                status, body, key = None, b"", f"conn:{type(e).__name__}"
            self.statuses[key] = self.statuses.get(key, 0) + 1
            if status is not None and 200 <= status < 300:
                self.latencies.append(time.monotonic() - t0)
                self.acked[i] = json.loads(body)
                pending.pop(0)
            else:
                if status is not None:
                    self.failures.append(f"batch {i}: {status} {body[:300]!r}")
                pending.append(pending.pop(0))  # re-POST later
                time.sleep(0.05)
        self.pending = pending


def serve_kills(ctx: Ctx, trials: int, kills: int, batch: int, seed: int) -> None:
    arts = ctx.articles
    batches = [arts[i:i + batch] for i in range(0, len(arts), batch)]
    empty = ctx.work / "empty.jsonl"
    empty.write_text("")

    def new_store(db: Path) -> None:
        rm_store(db)
        subprocess.run(ingest_cmd(ctx, db, empty), check=True, capture_output=True)

    # Calibration: every batch POSTed to an undisturbed server; also checks that the
    # API path gives the same store as `dateline ingest`.
    db = ctx.work / "serve-calib.db"
    new_store(db)
    logf = ctx.work / "serve-calib.log"
    srv = common.Server(db, logf, token=TOKEN).start()
    port = [srv.port]
    t0 = time.monotonic()
    poster = Poster(batches, port, time.time() + 3600)
    poster.run()
    total = time.monotonic() - t0
    # POSTs are answered once stored; annotation follows in the background.
    annotated = srv.wait_annotated()
    srv.stop()
    problems = [] if not poster.pending else [f"batches never accepted: {poster.pending}"]
    if not annotated:
        problems.append("background annotation did not finish within 600 s")
    problems += [f for f in poster.failures]
    problems += content_problems(ctx, db, ctx.work / "serve-cmp-export")
    server_log = logf.read_text()
    problems += [f"server log: {line}" for line in server_log.splitlines()
                 if any(m in line for m in PANIC_MARKERS) or "locked" in line]
    ctx.record(f"serve: {len(batches)} POSTs of {batch} without kills (calibration)",
               not problems, seconds=round(total, 1), statuses=poster.statuses,
               problems=problems)

    for t in range(trials):
        rng = random.Random(seed * 7919 + t)
        db = ctx.work / f"serve-{t}.db"
        new_store(db)
        logf = ctx.work / f"serve-{t}.log"
        if logf.exists():
            logf.unlink()
        srv = common.Server(db, logf, token=TOKEN).start()
        port = [srv.port]
        poster = Poster(batches, port, time.time() + 3600)
        poster.start()
        kill_log = []
        for _ in range(kills):
            time.sleep(rng.uniform(0, total))
            if not poster.is_alive():
                break
            inflight = len(poster.acked)
            srv.kill(signal.SIGKILL)
            kill_log.append({"after_acked": inflight})
            ok, out = common.check(db)  # the store right after the kill
            if not ok:
                kill_log[-1]["check"] = out[-400:]
            try:
                srv = common.Server(db, logf, token=TOKEN, port=port[0]).start()
            except RuntimeError:  # the port could not be bound again: take another
                srv.kill()
                srv = common.Server(db, logf, token=TOKEN).start()
                port[0] = srv.port
        poster.join()
        annotated = srv.wait_annotated()
        srv.stop()
        problems = []
        if not annotated:
            problems.append("background annotation did not finish within 600 s")
        if poster.pending:
            problems.append(f"batches never accepted: {poster.pending}")
        problems += [f"unexpected response {f}" for f in poster.failures]
        problems += [f"check failed right after a kill: {k['check']}" for k in kill_log
                     if "check" in k]
        ok, out = common.check(db)
        if not ok:
            problems.append(f"check failed: {out[-500:]}")
        problems += content_problems(ctx, db, ctx.work / "serve-cmp-export")
        server_log = logf.read_text()
        problems += [f"server log: {line}" for line in server_log.splitlines()
                     if any(m in line for m in PANIC_MARKERS) or "locked" in line]
        stored = sum(a.get("new", 0) for a in poster.acked.values())
        ctx.record(f"serve: trial {t + 1}/{trials}, {len(kill_log)} SIGKILLs", not problems,
                   kills=kill_log, attempts=poster.attempts, statuses=poster.statuses,
                   new_in_acked_responses=stored, problems=problems)
        if not problems:
            rm_store(db)


# --------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="disk,readonly,serve",
                    help="comma-separated: disk, readonly, serve")
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--fractions", default="0.02,0.3,0.6,0.8",
                    help="RLIMIT_FSIZE as fractions of the reference store's size")
    ap.add_argument("--tmpfs-mb", default="2,8", help="tmpfs sizes to fill, in MiB")
    ap.add_argument("--trials", type=int, default=5, help="serve trials")
    ap.add_argument("--kills", type=int, default=3, help="SIGKILLs per serve trial")
    ap.add_argument("--batch", type=int, default=50, help="articles per POST")
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--report", type=Path)
    a = ap.parse_args()
    try:
        os.nice(10)
    except OSError:
        pass
    only = set(a.only.split(","))
    work = a.workdir or Path(tempfile.mkdtemp(prefix="dateline-faults-"))
    work.mkdir(parents=True, exist_ok=True)
    articles = common.generate_corpus(a.articles, a.seed)
    corpus = common.write_jsonl(work / "corpus.jsonl", articles)
    actors = work / "corpus.actors"
    actors.write_text(common.actor_dictionary(a.seed))
    ctx = Ctx(work, corpus, actors, articles)
    log(f"faults: {a.articles} articles, seed {a.seed}, work dir {work}")

    ref = work / "ref.db"
    rm_store(ref)
    r = subprocess.run(ingest_cmd(ctx, ref), capture_output=True, text=True)
    if r.returncode != 0:
        log(f"reference ingest failed: {r.stderr}")
        return 1
    ctx.ref_size = ref.stat().st_size
    ctx.ref_export = common.export_tables(ref, work / "ref-export")
    ctx.ref_deep = storediff.snapshot(ref)
    log(f"reference store {ctx.ref_size / 1e6:.1f} MB; {common.digest(ctx.ref_export)}")

    if "disk" in only:
        disk_full(ctx, [float(x) for x in a.fractions.split(",")])
        tmpfs_full(ctx, [int(x) for x in a.tmpfs_mb.split(",")])
    if "readonly" in only:
        read_only(ctx)
    if "serve" in only:
        serve_kills(ctx, a.trials, a.kills, a.batch, a.seed)

    failed = [r for r in ctx.results if r["status"] == "FAIL"]
    skipped = [r for r in ctx.results if r["status"] == "SKIP"]
    (a.report or work / "faults-report.json").write_text(json.dumps(ctx.results, indent=1))
    print(json.dumps({"cases": len(ctx.results), "failed": len(failed),
                      "skipped": len(skipped), "work": str(work)}, indent=1))
    for r in ctx.results:
        print(f"{r['status']:4} {r['case']}")
    print("faults: FAIL" if failed else "faults: PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
