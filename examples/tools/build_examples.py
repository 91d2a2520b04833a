#!/usr/bin/env python3
"""Regenerate the dateline example corpus from examples/tools/source/*.stories.

Everything produced here is FICTION: invented countries, people, outlets and
events, dated in 2031. Run from anywhere:

    python3 examples/tools/build_examples.py

Output is deterministic (fixed UUIDs, gzip mtime 0), so re-running it on an
unchanged source produces byte-identical files.
"""

from __future__ import annotations

import base64
import csv
import gzip
import hashlib
import html
import io
import json
import urllib.parse
import sys
import uuid
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

sys.dont_write_bytecode = True  # keep examples/tools free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))
from stories import Story, load_stories  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent
NS = uuid.UUID("6d1c2a3e-0b7f-4c1e-9a55-2031d47e1e00")  # fixed namespace for stable ids

OUTLETS = {
    "The Harbour Ledger": {
        "home": "https://www.harbourledger.invalid/",
        "nav": ["Nation", "World", "Business", "Opinion", "Culture", "Sport"],
        "tagline": "Marrowick's morning paper since 1911",
        "kicker": "Kettle Isle crisis",
    },
    "Tidewater Post": {
        "home": "https://www.tidewaterpost.invalid/",
        "nav": ["Home", "Politics", "World", "Regions", "Economy", "Weather"],
        "tagline": "Strenholt and the western shore",
        "kicker": "Ketilsey",
    },
    "Radio Kestrel": {
        "home": "https://www.radiokestrel.invalid/en/",
        "nav": ["News", "Europe and the North", "Features", "Podcasts", "Listen live"],
        "tagline": "Independent radio for the northern states",
        "kicker": "Tamsel dispute",
    },
    "The Meridian Times": {
        "home": "https://www.meridiantimes.invalid/",
        "nav": ["World", "Brisalia", "Analysis", "Profiles", "Letters"],
        "tagline": "Calloway Sound",
        "kicker": "Mediation",
    },
    "Northwind Wire": {
        "home": "https://www.northwindwire.invalid/",
        "nav": ["Wire", "Top stories", "Markets"],
        "tagline": "News agency, Vell Harbour",
        "kicker": "Wire",
    },
    "Strenholt Evening Courier": {
        "home": "https://www.strenholtcourier.invalid/",
        "nav": ["News", "Politics", "Hesselwyn", "Sport", "Puzzles"],
        "tagline": "Strenholt's evening paper",
        "kicker": "Ketilsey crisis",
    },
    "The Calloway Gazette": {
        "home": "https://www.callowaygazette.invalid/",
        "nav": ["City", "World", "Arts", "Property", "Obituaries"],
        "tagline": "The city's paper of record",
        "kicker": "Tamsel talks",
    },
    "Pellory Valley Herald": {
        "home": "https://www.pelloryherald.invalid/",
        "nav": ["News", "Briefs", "River", "Notices"],
        "tagline": "Pellory and the lower Tamsel",
        "kicker": "Briefs",
    },
}

CSV_HEADER = ["id", "date", "title", "source", "url", "text"]


def parse_dt(value: str) -> datetime:
    if len(value) == 10:
        return datetime.fromisoformat(value + "T12:00:00+02:00")
    return datetime.fromisoformat(value)


def human_date(value: str, with_time: bool = True) -> str:
    dt = parse_dt(value)
    s = f"{dt.strftime('%A')} {dt.day} {dt.strftime('%B %Y')}"
    if with_time and len(value) > 10:
        s += dt.strftime(", %H:%M")
    return s


def stable_uuid(*parts: str) -> str:
    return str(uuid.uuid5(NS, "/".join(parts)))


def write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)


# --------------------------------------------------------------------- seed
def build_seed(stories: list[Story]) -> None:
    for s in stories:
        if s.fmt != "seed":
            continue
        style = s.meta.get("seed", "inline")
        body = "\n\n".join(s.text_paras()) + "\n"
        if style == "inline":
            head = f"date {s.local_date} {s.title}\n\n"
        elif style == "leading-space":
            head = f" date {s.local_date} {s.title}\n\n"
        elif style == "nextline":
            head = f"date {s.local_date}\n{s.title}\n\n"
        else:
            raise ValueError(style)
        write(EXAMPLES / "seed" / f"{s.id}.txt", head + body)


# -------------------------------------------------------------------- jsonl
def build_jsonl(stories: list[Story]) -> None:
    lines = []
    for s in stories:
        if s.fmt != "jsonl":
            continue
        obj = {
            "id": s.id,
            "date": s.date,
            "title": s.title,
            "source": s.meta["source"],
            "url": s.meta["url"],
            "text": s.text(),
        }
        if s.meta.get("lang", "en") != "none":
            obj["lang"] = s.meta.get("lang", "en")
        if "section" in s.meta:
            obj["section"] = s.meta["section"]
        if "author" in s.meta:
            obj["author"] = s.meta["author"]
        if s.copy_of:
            obj["credit"] = "Northwind Wire"
        lines.append(json.dumps(obj, ensure_ascii=False))
    write(EXAMPLES / "jsonl" / "articles.jsonl", "\n".join(lines) + "\n")


# ---------------------------------------------------------------- csv / tsv
def build_csv(stories: list[Story]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_HEADER)
    for s in stories:
        if s.fmt == "csv":
            w.writerow([s.id, s.date, s.title, s.meta["source"], s.meta["url"], s.text()])
    write(EXAMPLES / "csv" / "articles.csv", buf.getvalue())

    rows = ["\t".join(CSV_HEADER)]
    for s in stories:
        if s.fmt != "tsv":
            continue
        fields = [s.id, s.date, s.title, s.meta["source"], s.meta["url"], " ".join(s.text_paras())]
        for f in fields:
            if "\t" in f or "\n" in f:
                raise ValueError(f"{s.id}: tab/newline in TSV field")
        rows.append("\t".join(fields))
    write(EXAMPLES / "csv" / "briefs.tsv", "\n".join(rows) + "\n")


# --------------------------------------------------------------------- html
STYLE = """body{font-family:Georgia,serif;margin:0;color:#1b1b1b}
.site-header{border-bottom:3px solid #123;padding:12px 24px}
.logo{font-size:28px;font-weight:bold;text-decoration:none;color:#123}
.main-nav ul{list-style:none;display:flex;gap:16px;padding:0;margin:8px 0 0}
main{display:flex;gap:32px;max-width:1100px;margin:24px auto;padding:0 24px}
article.story{flex:3}.sidebar{flex:1;border-left:1px solid #ddd;padding-left:16px}
.ad-slot{background:#f1f1f1;text-align:center;padding:24px;margin:24px 0;font:12px sans-serif;color:#777}
.also-read{border-left:4px solid #123;padding:6px 12px;margin:20px 0;font-family:sans-serif}
.share-buttons a{margin-right:8px}.site-footer{border-top:1px solid #ccc;padding:16px 24px;font:13px sans-serif;color:#555}"""


def find_by_title(stories: list[Story], title: str) -> Story:
    for s in stories:
        if s.title == title or s.meta["title"] == title:
            return s
    raise KeyError(title)


def related_for(stories: list[Story], s: Story, n: int = 4) -> list[Story]:
    target = parse_dt(s.date)
    others = [
        o
        for o in stories
        if o.id != s.id and not o.copy_of and "url" in o.meta and parse_dt(o.date) < target
    ]
    same = [o for o in others if o.meta["source"] == s.meta["source"]]
    pool = same if len(same) >= n else others
    pool.sort(key=lambda o: abs((parse_dt(o.date) - target).total_seconds()))
    return pool[:n]


def render_page(
    s: Story,
    stories: list[Story],
    *,
    meta_published: bool,
    jsonld: bool,
    time_element: bool,
    visible_date: str | None = None,
    slug_links: bool = False,
) -> str:
    outlet = OUTLETS[s.meta["source"]]
    site = s.meta["source"]
    esc = lambda t: html.escape(t, quote=True)  # noqa: E731  (attribute values)
    txt = lambda t: html.escape(t, quote=False)  # noqa: E731  (text nodes)
    paras = s.text_paras()
    byline = s.meta.get("byline")
    title = s.title

    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{txt(title)} | {txt(site)}</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="description" content="{esc(paras[0][:180])}">',
        f'<meta property="og:site_name" content="{esc(site)}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{esc(title)}">',
        f'<meta property="og:url" content="{esc(s.meta["url"])}">',
    ]
    if meta_published:
        head.append(f'<meta property="article:published_time" content="{esc(s.date)}">')
    head.append(f'<meta property="article:section" content="{esc(outlet["kicker"])}">')
    head.append(f'<link rel="canonical" href="{esc(s.meta["url"])}">')
    if jsonld:
        author = (
            {"@type": "Organization", "name": byline}
            if byline == "Northwind Wire"
            else {"@type": "Person", "name": byline or site}
        )
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "datePublished": s.date,
            "author": author,
            "publisher": {"@type": "Organization", "name": site, "url": outlet["home"]},
            "mainEntityOfPage": s.meta["url"],
            "inLanguage": "en",
        }
        ld_text = json.dumps(ld, ensure_ascii=False, indent=2).replace("</", "<\\/")
        head.append('<script type="application/ld+json">\n' + ld_text + "\n</script>")
    head += [f"<style>\n{STYLE}\n</style>", "</head>"]

    nav = "".join(f'<li><a href="{outlet["home"]}{n.lower().replace(" ", "-")}/">{esc(n)}</a></li>' for n in outlet["nav"])
    body = [
        "<body>",
        '<header class="site-header">',
        f'  <a class="logo" href="{outlet["home"]}">{esc(site)}</a> <span class="tagline">{txt(outlet["tagline"])}</span>',
        f'  <nav class="main-nav" aria-label="Sections"><ul>{nav}<li><a href="{outlet["home"]}search">Search</a></li><li><a href="{outlet["home"]}subscribe">Subscribe</a></li></ul></nav>',
        "</header>",
        "<main>",
        '<article class="story">',
        '  <header class="story-header">',
        f'    <p class="kicker">{esc(outlet["kicker"])}</p>',
        f"    <h1>{txt(title)}</h1>",
    ]
    if byline:
        body.append(f'    <p class="byline">By <span class="author">{esc(byline)}</span></p>')
    if time_element:
        body.append(f'    <p class="timestamp"><time datetime="{esc(s.date)}">{esc(human_date(s.date))}</time></p>')
    if visible_date:
        body.append(f'    <p class="article-date">{esc(visible_date)}</p>')
    body.append("  </header>")
    body.append('  <div class="story-body">')

    teaser = s.meta.get("teaser")
    teaser_at = min(5, len(paras) - 1)
    for k, p in enumerate(paras):
        body.append(f"    <p>{txt(p)}</p>")
        if k == 2:
            body.append('    <div class="ad-slot" aria-hidden="true"><span class="ad-label">Advertisement</span></div>')
        if teaser and k == teaser_at - 1:
            t = find_by_title(stories, teaser)
            href = t.meta.get("url") or OUTLETS[t.meta["source"]]["home"] + "news/" + t.id
            if slug_links:
                href = outlet["home"] + "news/" + href.rstrip("/").rsplit("/", 1)[-1]
            body.append(f'    <aside class="also-read"><strong>Also Read:</strong> <a href="{esc(href)}">{esc(t.title)}</a></aside>')
    body.append("  </div>")
    share = urllib.parse.quote(s.meta["url"], safe="")
    subject = urllib.parse.quote(title, safe="")
    body += [
        '  <div class="share-buttons">',
        "    <span>Share this article</span>",
        f'    <a class="share-email" href="mailto:?subject={subject}&amp;body={share}">Email</a>',
        f'    <a class="share-social" href="https://social.invalid/share?u={share}">Share</a>',
        '    <button type="button" class="copy-link">Copy link</button>',
        "  </div>",
        "</article>",
        '<aside class="sidebar">',
        "  <h2>Related coverage</h2>",
        "  <ul>",
    ]
    for r in related_for(stories, s):
        href = r.meta["url"]
        if slug_links:
            href = outlet["home"] + "news/" + href.rstrip("/").rsplit("/", 1)[-1]
        body.append(f'    <li><a href="{esc(href)}">{esc(r.title)}</a></li>')
    body += [
        "  </ul>",
        '  <div class="newsletter"><p>Subscribe to our newsletter for daily updates</p><form><input type="email" placeholder="Email address"><button>Sign up</button></form></div>',
        "</aside>",
        "</main>",
        '<footer class="site-footer">',
        f"  <p>&copy; 2031 {esc(site)}. All rights reserved.</p>",
        "  <p>This is a fictional outlet; the page was written for the dateline example corpus.</p>",
        '  <p><a href="#">About us</a> · <a href="#">Contact</a> · <a href="#">Privacy</a> · <a href="#">Cookie settings</a></p>',
        "</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(head + body) + "\n"


def build_html(stories: list[Story]) -> None:
    for s in stories:
        if s.fmt != "html":
            continue
        nometa = s.meta.get("nometa") == "yes"
        page = render_page(
            s,
            stories,
            meta_published=not nometa,
            jsonld=s.meta.get("jsonld") == "yes" and not nometa,
            time_element=not nometa,
            visible_date=human_date(s.date, with_time=False) if nometa else None,
            slug_links=nometa,
        )
        name = s.meta.get("file", f"{s.id}.html")
        write(EXAMPLES / "html" / name, page)


# ---------------------------------------------------------------- rss/atom
def html_paras(s: Story) -> str:
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in s.text_paras())


def build_rss(stories: list[Story]) -> None:
    items = [s for s in stories if s.fmt == "rss"]
    items.sort(key=lambda s: parse_dt(s.date), reverse=True)
    last = format_datetime(parse_dt(items[0].date) + timedelta(minutes=5))
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">',
        "<channel>",
        "  <title>Northwind Wire: Tamsel river dispute</title>",
        "  <link>https://www.northwindwire.invalid/</link>",
        '  <atom:link href="https://www.northwindwire.invalid/feeds/tamsel.rss" rel="self" type="application/rss+xml"/>',
        "  <description>Wire coverage of the (fictional) Veldora-Haldmere dispute over Kettle Isle. "
        "Invented for the dateline example corpus.</description>",
        "  <language>en</language>",
        f"  <lastBuildDate>{last}</lastBuildDate>",
    ]
    for s in items:
        out += [
            "  <item>",
            f"    <title>{xml_escape(s.title)}</title>",
            f"    <link>{xml_escape(s.meta['url'])}</link>",
            f'    <guid isPermaLink="false">{xml_escape(s.id)}</guid>',
            f"    <pubDate>{format_datetime(parse_dt(s.date))}</pubDate>",
            f"    <dc:creator>{xml_escape(s.meta.get('byline', 'Northwind Wire'))}</dc:creator>",
            "    <category>World</category>",
            f"    <description>{xml_escape(s.text_paras()[0])}</description>",
            f"    <content:encoded>{xml_escape(html_paras(s))}</content:encoded>",
            "  </item>",
        ]
    out += ["</channel>", "</rss>"]
    write(EXAMPLES / "rss" / "northwind.rss", "\n".join(out) + "\n")


def build_atom(stories: list[Story]) -> None:
    entries = [s for s in stories if s.fmt == "atom"]
    entries.sort(key=lambda s: parse_dt(s.date), reverse=True)

    def upd(s: Story) -> str:
        return (parse_dt(s.date) + timedelta(hours=2, minutes=10)).isoformat()

    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
        "  <title>The Meridian Times: Tamsel mediation</title>",
        "  <subtitle>Fictional outlet; feed written for the dateline example corpus</subtitle>",
        "  <id>tag:meridiantimes.invalid,2031:feeds/tamsel</id>",
        '  <link rel="self" type="application/atom+xml" href="https://www.meridiantimes.invalid/feeds/tamsel.atom"/>',
        '  <link rel="alternate" type="text/html" href="https://www.meridiantimes.invalid/"/>',
        f"  <updated>{upd(entries[0])}</updated>",
        "  <author><name>The Meridian Times</name></author>",
    ]
    for s in entries:
        slug = s.meta["url"].rstrip("/").rsplit("/", 1)[-1]
        out += [
            "  <entry>",
            f"    <title>{xml_escape(s.title)}</title>",
            f"    <id>tag:meridiantimes.invalid,{s.local_date}:{slug}</id>",
            f'    <link rel="alternate" type="text/html" href="{xml_escape(s.meta["url"])}"/>',
            f"    <published>{parse_dt(s.date).isoformat()}</published>",
            f"    <updated>{upd(s)}</updated>",
            f"    <author><name>{xml_escape(s.meta.get('byline', 'The Meridian Times'))}</name></author>",
            f"    <summary>{xml_escape(s.text_paras()[0])}</summary>",
            f'    <content type="html">{xml_escape(html_paras(s))}</content>',
            "  </entry>",
        ]
    out.append("</feed>")
    write(EXAMPLES / "rss" / "meridian.atom", "\n".join(out) + "\n")


# --------------------------------------------------------------------- warc
def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def warc_record(fields: list[tuple[str, str]], block: bytes) -> bytes:
    fields = fields + [("Content-Length", str(len(block)))]
    head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields) + "\r\n"
    return head.encode("utf-8") + block + b"\r\n\r\n"


def build_warc(stories: list[Story]) -> None:
    pages = [s for s in stories if s.fmt == "warc"]
    pages.sort(key=lambda s: parse_dt(s.date))
    crawl_start = datetime(2031, 6, 16, 7, 0, 0, tzinfo=timezone.utc)
    warcinfo_id = f"<urn:uuid:{stable_uuid('warcinfo', 'crawl.warc')}>"
    info = (
        "software: dateline-examples build_examples.py\r\n"
        "format: WARC File Format 1.0\r\n"
        "conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.0/\r\n"
        "description: Fictional news pages written for the dateline example corpus (invented outlets, 2031)\r\n"
        "isPartOf: dateline-examples\r\n"
    ).encode("utf-8")
    records = [
        warc_record(
            [
                ("WARC-Type", "warcinfo"),
                ("WARC-Date", crawl_start.strftime("%Y-%m-%dT%H:%M:%SZ")),
                ("WARC-Filename", "crawl.warc"),
                ("WARC-Record-ID", warcinfo_id),
                ("Content-Type", "application/warc-fields"),
            ],
            info,
        )
    ]
    for n, s in enumerate(pages, start=1):
        mode = s.meta.get("warcmeta", "published_time")
        page = render_page(
            s,
            stories,
            meta_published="published_time" in mode,
            jsonld="jsonld" in mode,
            time_element=mode == "time",
        ).encode("utf-8")
        when = crawl_start + timedelta(minutes=7 * n, seconds=13 * n)
        http_head = (
            "HTTP/1.1 200 OK\r\n"
            f"Date: {format_datetime(when, usegmt=True)}\r\n"
            "Server: example-httpd/1.0\r\n"
            "Content-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(page)}\r\n"
            "Connection: close\r\n"
            "\r\n"
        ).encode("ascii")
        block = http_head + page
        records.append(
            warc_record(
                [
                    ("WARC-Type", "response"),
                    ("WARC-Target-URI", s.meta["url"]),
                    ("WARC-Date", when.strftime("%Y-%m-%dT%H:%M:%SZ")),
                    ("WARC-Record-ID", f"<urn:uuid:{stable_uuid('response', s.id)}>"),
                    ("WARC-Warcinfo-ID", warcinfo_id),
                    ("WARC-Block-Digest", sha1_b32(block)),
                    ("WARC-Payload-Digest", sha1_b32(page)),
                    ("Content-Type", "application/http; msgtype=response"),
                ],
                block,
            )
        )
    write(EXAMPLES / "warc" / "crawl.warc", b"".join(records))
    gz = b"".join(gzip.compress(r, compresslevel=9, mtime=0) for r in records)
    write(EXAMPLES / "warc" / "crawl.warc.gz", gz)


def main() -> None:
    stories = load_stories()
    build_seed(stories)
    build_jsonl(stories)
    build_csv(stories)
    build_html(stories)
    build_rss(stories)
    build_atom(stories)
    build_warc(stories)
    print(f"built {len(stories)} stories into {EXAMPLES}")


if __name__ == "__main__":
    main()
