#!/usr/bin/env python3
"""Validate the dateline example corpus (all fiction).

    python3 examples/tools/check_examples.py

Checks that every output file parses in its format, that WARC lengths and
digests are exact, that the .warc.gz is the per-record gzip twin of the
.warc, that relative dates and weekdays agree with article dates, that
syndicated copies are >85% identical to their wire originals, and that no
other pair of articles shares a 10-word passage. Exits non-zero on failure.
"""

from __future__ import annotations

import base64
import csv
import difflib
import gzip
import hashlib
import json
import re
import sys
import zlib
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

sys.dont_write_bytecode = True  # keep examples/tools free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))
from stories import Story, load_stories, parse_rel  # noqa: E402

EX = Path(__file__).resolve().parent.parent
FAIL: list[str] = []
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = ["january", "february", "march", "april", "may", "june", "july",
          "august", "september", "october", "november", "december"]
NUMWORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "forty": 40,
            "forty-five": 45, "thirty-two": 32, "fifty-four": 54}
BOILERPLATE = re.compile(
    r"^(Advertisement|ADVERTISEMENT|Share this article|Subscribe to our newsletter for daily updates"
    r"|Also Read: .+|Read more: .+|By [A-Z][a-z]+ [A-Z][a-z]+( and [A-Z][a-z]+ [A-Z][a-z]+)?)$"
)
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z))?$")


def fail(msg: str) -> None:
    FAIL.append(msg)
    print("FAIL:", msg)


def norm(s: str) -> str:
    return s.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")


def words(s: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:['-][a-z0-9]+)*", norm(s).lower())


# ------------------------------------------------------------ format parsing
def check_seed() -> int:
    n = 0
    for p in sorted((EX / "seed").glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        toks = text.split(None, 2)
        if len(toks) < 3 or toks[0] != "date" or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", toks[1]):
            fail(f"seed {p.name}: does not start with 'date YYYY-MM-DD'")
        else:
            date.fromisoformat(toks[1])
        n += 1
    return n


def check_jsonl() -> list[dict]:
    rows = []
    for k, line in enumerate((EX / "jsonl" / "articles.jsonl").read_text(encoding="utf-8").splitlines(), 1):
        obj = json.loads(line)
        for key in ("id", "date", "title", "source", "url", "text"):
            if not isinstance(obj.get(key), str) or not obj[key]:
                fail(f"jsonl line {k}: missing {key}")
        if not ISO.match(obj["date"]):
            fail(f"jsonl line {k}: bad date {obj['date']}")
        rows.append(obj)
    return rows


def check_csv() -> tuple[list[dict], list[dict]]:
    header = ["id", "date", "title", "source", "url", "text"]
    with open(EX / "csv" / "articles.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if rows[0] != header:
        fail("csv header")
    for r in rows[1:]:
        if len(r) != 6:
            fail(f"csv row {r[:1]} has {len(r)} columns")
    csv_rows = [dict(zip(header, r)) for r in rows[1:]]
    with open(EX / "csv" / "briefs.tsv", newline="", encoding="utf-8") as f:
        t1 = list(csv.reader(f, delimiter="\t"))
    with open(EX / "csv" / "briefs.tsv", newline="", encoding="utf-8") as f:
        t2 = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    if t1 != t2:
        fail("tsv parses differently with and without quote handling")
    if t1[0] != header:
        fail("tsv header")
    for r in t1[1:]:
        if len(r) != 6:
            fail(f"tsv row {r[:1]} has {len(r)} columns")
    return csv_rows, [dict(zip(header, r)) for r in t1[1:]]


def check_feeds() -> tuple[int, int]:
    rss = ET.parse(EX / "rss" / "northwind.rss").getroot()
    ns = {"content": "http://purl.org/rss/1.0/modules/content/"}
    items = rss.findall("./channel/item")
    for it in items:
        pd = it.findtext("pubDate")
        dt = parsedate_to_datetime(pd)
        if pd[:3] != dt.strftime("%a"):
            fail(f"rss pubDate weekday wrong: {pd}")
        body = it.findtext("content:encoded", namespaces=ns)
        if not body or not body.startswith("<p>"):
            fail("rss content:encoded missing")
    atom_ns = {"a": "http://www.w3.org/2005/Atom"}
    atom = ET.parse(EX / "rss" / "meridian.atom").getroot()
    entries = atom.findall("a:entry", atom_ns)
    for e in entries:
        for tag in ("a:id", "a:title", "a:published", "a:updated", "a:content"):
            if e.find(tag, atom_ns) is None:
                fail(f"atom entry missing {tag}")
        datetime.fromisoformat(e.findtext("a:published", namespaces=atom_ns))
        if e.find("a:content", atom_ns).get("type") != "html":
            fail("atom content type")
    return len(items), len(entries)


VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr"}


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.meta: dict[str, str] = {}
        self.ld: list[str] = []
        self.in_ld = False
        self.title = ""
        self.in_title = False
        self.errors: list[str] = []
        self.article_ps = 0
        self.in_article = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta[a.get("property") or a.get("name")] = a.get("content", "")
        if tag == "script" and a.get("type") == "application/ld+json":
            self.in_ld = True
        if tag == "title":
            self.in_title = True
        if tag == "article":
            self.in_article = True
        if tag == "p" and self.in_article:
            self.article_ps += 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unbalanced </{tag}>")
        else:
            self.stack.pop()
        if tag == "script":
            self.in_ld = False
        if tag == "title":
            self.in_title = False
        if tag == "article":
            self.in_article = False

    def handle_data(self, data):
        if self.in_ld:
            self.ld.append(data)
        if self.in_title:
            self.title += data


def check_html_page(name: str, text: str, expect_date_meta: bool | None) -> PageParser:
    p = PageParser()
    p.feed(text)
    p.close()
    if p.errors or p.stack:
        fail(f"html {name}: {p.errors[:3]} open={p.stack}")
    if not p.title or "og:site_name" not in p.meta or p.article_ps < 5:
        fail(f"html {name}: missing title/site_name/paragraphs")
    if p.ld:
        ld = json.loads("".join(p.ld))
        if "datePublished" not in ld or "headline" not in ld:
            fail(f"html {name}: JSON-LD lacks datePublished/headline")
    has_date = "article:published_time" in p.meta or bool(p.ld) or "<time datetime=" in text
    if expect_date_meta is True and "article:published_time" not in p.meta:
        fail(f"html {name}: no article:published_time")
    if expect_date_meta is False and has_date:
        fail(f"html {name}: should carry no machine-readable date")
    return p


def check_html() -> int:
    n = 0
    for path in sorted((EX / "html").glob("*.html")):
        check_html_page(path.name, path.read_text(encoding="utf-8"), path.name != "no-meta-date.html")
        n += 1
    return n


def sha1_b32(b: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(b).digest()).decode()


def parse_warc(data: bytes) -> list[tuple[dict, bytes]]:
    recs, pos = [], 0
    while pos < len(data):
        end = data.index(b"\r\n\r\n", pos)
        head = data[pos:end].decode("utf-8").split("\r\n")
        if head[0] != "WARC/1.0":
            raise ValueError(f"bad version line at {pos}")
        fields = dict(line.split(": ", 1) for line in head[1:])
        length = int(fields["Content-Length"])
        start = end + 4
        block = data[start:start + length]
        if len(block) != length or data[start + length:start + length + 4] != b"\r\n\r\n":
            raise ValueError(f"Content-Length does not land on CRLFCRLF for {fields.get('WARC-Record-ID')}")
        recs.append((fields, block))
        pos = start + length + 4
    return recs


def check_warc() -> int:
    raw = (EX / "warc" / "crawl.warc").read_bytes()
    recs = parse_warc(raw)
    if recs[0][0]["WARC-Type"] != "warcinfo":
        fail("warc: first record is not warcinfo")
    responses = 0
    for fields, block in recs[1:]:
        if fields["WARC-Type"] != "response" or fields["Content-Type"] != "application/http; msgtype=response":
            fail("warc: unexpected record type")
            continue
        if not re.fullmatch(r"<urn:uuid:[0-9a-f-]{36}>", fields["WARC-Record-ID"]):
            fail("warc: bad record id")
        http_head, _, payload = block.partition(b"\r\n\r\n")
        lines = http_head.decode("ascii").split("\r\n")
        if lines[0] != "HTTP/1.1 200 OK":
            fail("warc: status line")
        h = dict(line.split(": ", 1) for line in lines[1:])
        if h["Content-Type"] != "text/html; charset=utf-8" or int(h["Content-Length"]) != len(payload):
            fail("warc: http headers")
        if fields["WARC-Block-Digest"] != sha1_b32(block) or fields["WARC-Payload-Digest"] != sha1_b32(payload):
            fail("warc: digest mismatch")
        check_html_page(fields["WARC-Target-URI"], payload.decode("utf-8"), None)
        responses += 1
    gz = (EX / "warc" / "crawl.warc.gz").read_bytes()
    if gzip.decompress(gz) != raw:
        fail("warc.gz does not decompress to crawl.warc")
    members, rest = [], gz
    while rest:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        members.append(d.decompress(rest) + d.flush())
        rest = d.unused_data
    if len(members) != len(recs) or any(len(parse_warc(m)) != 1 for m in members):
        fail("warc.gz is not one gzip member per record")
    return responses


# ------------------------------------------------------------ content checks
def iso_week(d: date) -> tuple[int, int]:
    return d.isocalendar()[:2]


def week_offset(t: date, d: date) -> int:
    return ((t - timedelta(days=t.weekday())) - (d - timedelta(days=d.weekday()))).days // 7


def month_offset(t: date, d: date) -> int:
    return (t.year - d.year) * 12 + t.month - d.month


def check_rel(s: Story, phrase: str, target: str) -> str | None:
    d = date.fromisoformat(s.local_date)
    t = date.fromisoformat(target)
    p = phrase.lower()
    text = norm(s.text()).lower()
    if norm(p) not in text:
        return f"phrase not in text: {phrase!r}"
    diff = (t - d).days
    wd = [w for w in WEEKDAYS if w in p]
    m = re.search(r"\b(\d{1,2}) (" + "|".join(MONTHS) + r")\b|\b(" + "|".join(MONTHS) + r") (\d{1,2})\b", p)
    if m:
        day = int(m.group(1) or m.group(4))
        mon = MONTHS.index(m.group(2) or m.group(3)) + 1
        return None if (t.day, t.month) == (day, mon) else "explicit date mismatch"
    if "yesterday" in p or "last night" in p:
        return None if diff == -1 else "yesterday/last night must be d-1"
    if "tomorrow" in p:
        return None if diff == 1 else "tomorrow must be d+1"
    if wd:
        if WEEKDAYS[t.weekday()] not in wd:
            return f"{t} is a {WEEKDAYS[t.weekday()]}"
        if "every " in p:
            return None
        if "last " + WEEKDAYS[t.weekday()] in p:
            return None if -13 <= diff <= -1 else "last <weekday> out of range"
        if "next " + WEEKDAYS[t.weekday()] in p:
            return None if 1 <= diff <= 13 else "next <weekday> out of range"
        return None if abs(diff) <= 6 else f"weekday {diff} days away"
    if "weekend" in p:
        return None if t.weekday() >= 5 and abs(diff) <= 6 else "weekend mismatch"
    m = re.search(r"\b([a-z-]+) (day|days|week|weeks|month|months) (ago|after)\b", p) or \
        re.search(r"\b([a-z-]+) (days)\b", p)
    m2 = re.search(r"\b([a-z-]+) days later\b", p)
    if m2 and m2.group(1) in NUMWORDS:
        anchor = t - timedelta(days=NUMWORDS[m2.group(1)])
        others = {date.fromisoformat(x) for ph, x in parse_rel(s) if ph != phrase}
        return None if anchor in others else "N days later: no rel anchor N days earlier"
    if m and m.group(1) in NUMWORDS:
        n = NUMWORDS[m.group(1)]
        unit = m.group(2)
        if unit.startswith("day"):
            return None if -diff == n else f"{n} days != {-diff}"
        if unit.startswith("week"):
            return None if -diff == 7 * n else "weeks mismatch"
        return None if abs(-diff - 30.4 * n) <= 12 else "months mismatch"
    if "last week" in p:
        return None if week_offset(t, d) == -1 else "not last week"
    if "next week" in p:
        return None if week_offset(t, d) == 1 else "not next week"
    if "this week" in p or "end of the week" in p or "in the week" in p:
        if week_offset(t, d) != 0:
            return "not this week"
        if ("later" in p or "end of" in p) and diff < 0:
            return "later this week but in the past"
        if "earlier" in p and diff >= 0:
            return "earlier this week but not in the past"
        return None
    if "this month" in p:
        if month_offset(t, d) != 0:
            return "not this month"
        return None if (("earlier" in p and diff < 0) or ("later" in p and diff > 0)) else "earlier/later mismatch"
    if "last month" in p:
        return None if month_offset(t, d) == -1 else "not last month"
    if "later in the day" in p or "later on" in p:
        return None if diff == 0 else "same-day phrase"
    if "early april" in p:
        return None if t.month == 4 and t.day <= 10 else "not early April"
    m = re.search(r"\bin (" + "|".join(MONTHS) + r")\b", p)
    if m:
        return None if t.month == MONTHS.index(m.group(1)) + 1 and t <= d else "month mismatch"
    if "a day after" in p:
        return None if diff == -1 else "a day after must be d-1"
    return f"no rule for phrase {phrase!r}"


def content_checks(stories: list[Story]) -> None:
    by_id = {s.id: s for s in stories}
    for s in stories:
        # date sanity
        if not ISO.match(s.date):
            fail(f"{s.id}: bad date {s.date}")
        if s.id.split("-", 1)[1][:10] != s.local_date:
            fail(f"{s.id}: id date does not match {s.local_date}")
        body = [p for p in s.text_paras() if not BOILERPLATE.match(norm(p))]
        n = len(words(" ".join(body)))
        if not s.copy_of and not 150 <= n <= 600:
            fail(f"{s.id}: {n} words")
        # relative dates
        for phrase, target in parse_rel(s):
            err = check_rel(s, phrase, target)
            if err:
                fail(f"{s.id}: {phrase!r} -> {target}: {err}")
        # balanced curly quotes
        t = s.text()
        if s.curly and t.count("“") != t.count("”") + sum(
            1 for k, p in enumerate(s.text_paras()[:-1]) if p.count("“") > p.count("”")
        ):
            fail(f"{s.id}: unbalanced curly double quotes")
    # uncovered weekday mentions (report only)
    print("\nWeekday / relative mentions not listed in rel: (review by hand)")
    rel_pat = re.compile(r"\b(yesterday|tomorrow|last night|" + "|".join(w.capitalize() for w in WEEKDAYS) + r")\b")
    for s in stories:
        covered = " ".join(p for p, _ in parse_rel(s)).lower()
        for m in rel_pat.finditer(norm(s.text())):
            ctx = norm(s.text())[max(0, m.start() - 25): m.end() + 10].replace("\n", " ")
            if m.group(1).lower() not in covered:
                print(f"  {s.id} ({datetime.fromisoformat(s.local_date).strftime('%a')}): ...{ctx}...")
    # syndicated copies
    print("\nSyndicated copies (word-level similarity to wire original):")
    for s in stories:
        if s.copy_of:
            a, b = words(by_id[s.copy_of].text()), words(s.text())
            r = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
            print(f"  {s.id} <- {s.copy_of}: {r:.3f}")
            if r < 0.85:
                fail(f"{s.id}: similarity {r:.3f} < 0.85")
    # shared 10-word passages between unrelated articles
    shingles: dict[tuple, set] = defaultdict(set)
    for s in stories:
        group = s.copy_of or s.id
        w = words(s.text())
        for k in range(len(w) - 9):
            shingles[tuple(w[k:k + 10])].add(group)
    shared = Counter()
    for sh, groups in shingles.items():
        if len(groups) > 1:
            shared[tuple(sorted(groups))] += 1
            print("  shared 10-gram:", " ".join(sh), sorted(groups))
    for pair, cnt in shared.items():
        fail(f"unrelated articles {pair} share {cnt} 10-word passages")


def main() -> None:
    stories = load_stories()
    n_seed = check_seed()
    jsonl = check_jsonl()
    csv_rows, tsv_rows = check_csv()
    n_rss, n_atom = check_feeds()
    n_html = check_html()
    n_warc = check_warc()
    content_checks(stories)

    # outputs agree with the sources
    want = Counter(s.fmt for s in stories)
    got = {"seed": n_seed, "jsonl": len(jsonl), "csv": len(csv_rows), "tsv": len(tsv_rows),
           "rss": n_rss, "atom": n_atom, "html": n_html, "warc": n_warc}
    for fmt, n in got.items():
        if want[fmt] != n:
            fail(f"{fmt}: built {n}, sources say {want[fmt]}")
    ids = [r["id"] for r in jsonl + csv_rows + tsv_rows]
    if len(ids) != len(set(ids)):
        fail("duplicate ids in jsonl/csv/tsv")

    unique = [s for s in stories if not s.copy_of]
    copies = [s for s in stories if s.copy_of]
    boiler = [s.id for s in stories if any(BOILERPLATE.match(norm(p)) for p in s.text_paras())]
    print("\nPer format (unique + syndicated copies):")
    for fmt in ("seed", "jsonl", "csv", "tsv", "html", "rss", "atom", "warc"):
        u = sum(1 for s in unique if s.fmt == fmt)
        c = sum(1 for s in copies if s.fmt == fmt)
        print(f"  {fmt:6} {u:3} unique  {c} copies")
    print(f"  total  {len(unique)} unique articles, {len(copies)} syndicated copies, "
          f"+ crawl.warc.gz twin of {n_warc} WARC pages")
    print(f"  date range {min(s.local_date for s in stories)} .. {max(s.local_date for s in stories)}")
    print(f"  text-format articles with inline boilerplate lines: {len(boiler)} "
          f"(+ {n_html + n_warc} HTML pages with page furniture)")
    if len(unique) < 45:
        fail("fewer than 45 unique articles")
    print("\nRESULT:", "FAILED" if FAIL else "all checks passed")
    sys.exit(1 if FAIL else 0)


if __name__ == "__main__":
    main()
