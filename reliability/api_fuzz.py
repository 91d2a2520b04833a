#!/usr/bin/env python3
"""Fuzz the HTTP API with Schemathesis against its own OpenAPI document.

    DATELINE_BIN=/tmp/rel/dateline python3 reliability/api_fuzz.py [--max-examples 100]

Installs Schemathesis (4.x) into a venv under /tmp if it is not there, builds a small
store from examples/ (with examples/dictionary/fictional.actors), starts `dateline serve`
on loopback with a write token, and runs

    schemathesis run http://127.0.0.1:PORT/api/openapi.json --checks not_a_server_error,
      response_schema_conformance,status_code_conformance,content_type_conformance
      --max-examples N --mode all -H 'Authorization: Bearer TOKEN' ...

then the POST route again without the token. Every failing case is printed (with the
curl line Schemathesis gives to reproduce it). Afterwards the server must still be up,
its log free of panics and `database is locked`, and `dateline check` must pass.
Exit 1 on any failure. See README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from common import log  # noqa: E402

TOKEN = "fuzz-token-0123456789abcdef"
CHECKS = ("not_a_server_error,response_schema_conformance,status_code_conformance,"
          "content_type_conformance")

# Registers a serializer for the POST body's media type (Schemathesis has none for
# application/x-ndjson) and turns a share of the generated bodies into near-articles
# (generated keys laid over a valid article), so the store path is reached too.
HOOKS = '''
import json, zlib
import schemathesis

@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    items = value if isinstance(value, list) else [value]
    return "".join(json.dumps(v, ensure_ascii=False) + "\\n" for v in items).encode()

BASE = {"date": "2031-05-01", "title": "Fuzzed dispatch",
        "text": "Ilena Marsk said on Tuesday that Veldora was ready to talk to Haldmere."}

@schemathesis.hook
def map_body(ctx, body):
    if ctx.operation is None or ctx.operation.method.upper() != "POST":
        return body
    roll = zlib.crc32(repr(body).encode()) % 3
    if roll == 0 and isinstance(body, dict):
        return [{**BASE, **body}]
    if roll == 1:
        return [dict(BASE, id="fuzz-%d" % zlib.crc32(repr(body).encode())), body]
    return body
'''


def ensure_schemathesis(venv: Path) -> Path:
    exe = venv / "bin" / "schemathesis"
    if not exe.exists():
        log(f"installing schemathesis into {venv} ...")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "schemathesis>=4,<5"],
                       check=True)
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True).stdout
    m = re.search(r"(\d+)\.(\d+)", version)
    if not m or int(m.group(1)) < 4:
        sys.exit(f"need schemathesis 4.x (the v3 CLI differs), found: {version.strip()}")
    log(version.strip())
    return exe


def toml_list(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def write_config(work: Path, port: int) -> Path:
    """Real ids and names as dictionaries (used half the time), so that path and actor
    parameters also reach stored records instead of only 404s."""
    _, body = common.request("GET", port, "/api/articles?limit=500")
    article_ids = [a["id"] for a in json.loads(body)["items"]]
    _, body = common.request("GET", port, "/api/actors?limit=500")
    actors = json.loads(body)["items"]
    # ids, names, and single words of names (surnames, "Haldish"): some are ambiguous,
    # which the API answers with 300 Multiple Choices
    actor_keys = sorted({a["id"] for a in actors} | {a["name"] for a in actors[:40]}
                        | {w for a in actors for w in a["name"].split() if len(w) > 3})
    ops = {
        "GET /api/articles/{id}": {"path.id": "article_ids"},
        "GET /api/actors/{id}": {"path.id": "actor_keys"},
        "GET /api/timeline": {"query.actor": "actor_keys", "query.with": "actor_keys"},
        "GET /api/statements": {"query.speaker": "actor_keys", "query.about": "actor_keys"},
        "GET /api/events": {"query.source": "actor_keys", "query.target": "actor_keys"},
    }
    lines = [f"[dictionaries.article_ids]\nvalues = {toml_list(article_ids)}\n",
             f"[dictionaries.actor_keys]\nvalues = {toml_list(actor_keys)}\n"]
    for name, params in ops.items():
        lines.append("[[operations]]")
        lines.append(f"include-name = {json.dumps(name)}")
        inner = ", ".join(f'"{k}" = {{ dictionary = "{v}", probability = 0.5 }}'
                          for k, v in params.items())
        lines.append(f"parameters = {{ {inner} }}\n")
    cfg = work / "schemathesis.toml"
    cfg.write_text("\n".join(lines))
    return cfg, actor_keys


def documented_status_probe(port: int, keys: list[str]) -> list[str]:
    """Every actor key through /api/actors/{id} and /api/timeline?actor=: each status
    must be one the OpenAPI document lists (a deterministic complement to the fuzzer,
    which meets an ambiguous name only by chance)."""
    import urllib.parse
    _, spec = common.request("GET", port, "/api/openapi.json")
    paths = json.loads(spec)["paths"]
    problems = {}
    for key in keys:
        for route, path in (("/api/actors/{id}", f"/api/actors/{urllib.parse.quote(key)}"),
                            ("/api/timeline", f"/api/timeline?actor={urllib.parse.quote(key)}")):
            st, body = common.request("GET", port, path)
            if str(st) not in paths[route]["get"]["responses"]:
                problems.setdefault((route, st), f"GET {path} -> {st} {body[:160]!r}")
    return [f"undocumented status {st} on {route}: e.g. {ex}"
            for (route, st), ex in sorted(problems.items())]


def junit_failures(path: Path) -> list[dict]:
    out = []
    if not path.exists():
        return out
    for case in ET.parse(path).getroot().iter("testcase"):
        for kind in ("failure", "error"):
            for node in case.findall(kind):
                out.append({"operation": case.get("name"), "kind": kind,
                            "message": (node.get("message") or "")[:300],
                            "detail": (node.text or "")[:4000]})
    return out


def run_schemathesis(exe: Path, work: Path, cfg: Path, port: int, name: str,
                     args: list[str]) -> dict:
    report_dir = work / f"report-{name}"
    junit = report_dir / "junit.xml"
    cmd = [str(exe), "--config-file", str(cfg), "run",
           f"http://127.0.0.1:{port}/api/openapi.json", "--no-color", *args,
           "--report", "junit,ndjson", "--report-dir", str(report_dir),
           "--report-junit-path", str(junit), "--output-truncate", "false"]
    env = dict(os.environ, SCHEMATHESIS_HOOKS=str(work / "st_hooks.py"))
    log("$ " + " ".join(cmd))
    t0 = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=work)
    out = r.stdout + r.stderr
    (work / f"schemathesis-{name}.txt").write_text(out)
    summary = re.findall(r"^=+ (.*) =+$", out, re.M)
    cases = re.search(r"(\d+) generated, (.*)$", out, re.M)
    return {"name": name, "rc": r.returncode, "seconds": round(time.monotonic() - t0, 1),
            "summary": summary[-1] if summary else "", "cases": cases.group(0) if cases else "",
            "failures": junit_failures(junit), "output": out,
            "output_file": str(work / f"schemathesis-{name}.txt")}


PROBE_PATHS = [
    "/api/articles?limit=500", "/api/search?q=talks%20OR%20envoy%20OR%20said&limit=500",
    "/api/statements?limit=500", "/api/events?limit=500", "/api/actors?limit=500",
    "/api/actors/Marsk", "/api/timeline?actor=Marsk", "/api/articles/hl-2031-03-04-no-talks",
]


def time_limit_probe(db: Path, work: Path, rounds: int = 3) -> dict:
    logf = work / "serve-query-ms-1.log"
    srv = common.Server(db, logf, extra=["--query-ms", "1"]).start()
    seen: dict[str, dict[str, int]] = {}
    problems = []
    try:
        _, spec = common.request("GET", srv.port, "/api/openapi.json")
        paths = json.loads(spec)["paths"]
        for _ in range(rounds):
            for path in PROBE_PATHS:
                st, body = common.request("GET", srv.port, path)
                seen.setdefault(path, {}).setdefault(str(st), 0)
                seen[path][str(st)] += 1
                route = re.sub(r"^/api/(articles|actors)/[^?]+", r"/api/\1/{id}",
                               path.split("?")[0])
                documented = paths.get(route, {}).get("get", {}).get("responses", {})
                if st >= 500 and st != 503:
                    problems.append(f"time-limit probe: GET {path} with --query-ms 1 gave {st} "
                                    f"(expected 503 or 200): {body[:200]!r}")
                elif st == 503 and "503" not in documented:
                    problems.append(f"time-limit probe: GET {path} gave 503, which the OpenAPI "
                                    f"document does not list for {route}")
    finally:
        srv.stop()
    log_lines = [line for line in logf.read_text().splitlines() if "serve:" in line]
    print(f"\n== time-limit probe (serve --query-ms 1): {json.dumps(seen)}")
    if log_lines:
        print(f"server log: {len(log_lines)} lines like {log_lines[0]!r}")
    # one line per distinct problem
    return {"seen": seen, "problems": sorted(set(problems))}


def failures_section(out: str) -> str:
    m = re.search(r"^=+ (FAILURES|ERRORS) =+$(.*?)(^=+ (WARNINGS|SUMMARY) =+$)", out, re.M | re.S)
    return m.group(0).rsplit("\n", 1)[0] if m else ""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--max-examples", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--venv", type=Path, default=Path("/tmp/dateline-schemathesis-venv"))
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--workers", default="1")
    a = ap.parse_args()
    try:
        os.nice(10)
    except OSError:
        pass
    exe = ensure_schemathesis(a.venv)
    work = a.workdir or Path(tempfile.mkdtemp(prefix="dateline-fuzz-"))
    work.mkdir(parents=True, exist_ok=True)
    (work / "st_hooks.py").write_text(HOOKS)
    db = work / "examples.db"
    common.remove_store(db)
    examples = common.REPO / "examples"
    r = common.run(["ingest", str(examples), "--db", str(db), "--quiet",
                    "--actors", str(examples / "dictionary" / "fictional.actors")])
    if r.returncode not in (0, 1) or not db.exists():
        log(f"ingest of examples failed ({r.returncode}): {r.stderr}")
        return 1
    log(r.stderr.strip())
    logf = work / "serve.log"
    srv = common.Server(db, logf, token=TOKEN).start()
    problems = []
    try:
        cfg, actor_keys = write_config(work, srv.port)
        base = ["--checks", CHECKS, "--max-examples", str(a.max_examples), "--seed",
                str(a.seed), "--workers", a.workers, "--mode", "all",
                "--request-timeout", "30", "--generation-database", "none"]
        runs = [
            run_schemathesis(exe, work, cfg, srv.port, "with-token",
                             [*base, "-H", f"Authorization: Bearer {TOKEN}"]),
            run_schemathesis(exe, work, cfg, srv.port, "post-without-token",
                             [*base, "--include-method", "POST"]),
        ]
        problems += documented_status_probe(srv.port, actor_keys)
        alive = srv.proc.poll() is None
        if not alive:
            problems.append(f"server died during fuzzing (exit {srv.proc.returncode})")
    finally:
        srv.stop()
    # Time-limit probe: a server whose --query-ms is 1 must answer a query it stops
    # with 503 (README: "a request whose store work passes --query-ms is stopped and
    # answered 503"), never 500; the OpenAPI document should list that 503.
    probe = time_limit_probe(db, work)
    problems += probe["problems"]
    log_text = logf.read_text()
    for line in log_text.splitlines():
        if "panicked" in line or "locked" in line:
            problems.append(f"server log: {line}")
    ok, out = common.check(db)
    if not ok:
        problems.append(f"dateline check failed after fuzzing: {out[-500:]}")

    print(f"api_fuzz: work dir {work}")
    for run in runs:
        print(f"\n== schemathesis {run['name']}: exit {run['rc']}, {run['seconds']}s, "
              f"{run['cases']} -- {run['summary']}")
        if run["failures"]:
            print(f"{len(run['failures'])} failing test cases (junit):")
            for f in run["failures"]:
                print(f"- [{f['kind']}] {f['operation']}: {f['message']}")
        section = failures_section(run["output"])
        if section:
            print(section)
        if run["rc"] != 0:
            problems.append(f"schemathesis {run['name']} exited {run['rc']}: {run['summary']}")
    print("\nserver log lines:", len(log_text.splitlines()))
    for p in problems:
        print("PROBLEM:", p)
    print("api_fuzz: FAIL" if problems else "api_fuzz: PASS")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
