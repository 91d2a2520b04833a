#!/usr/bin/env python3
"""Build the timeline-summarisation article collections from the Wikipedia Current Events dump.

Usage: build.py --cep PATH/cep_2002-2026.jsonl.gz --out DIR [--topics topics.json]

For each topic in topics.json, writes DIR/<topic>/articles.jsonl and DIR/<topic>/keywords.json.
Selection rule (see README.md): an item belongs to a topic iff
  from <= item.date <= to  AND  ( normalize(item.title) == normalize(h) for some heading h
                                  OR some keyword is a case-insensitive substring of item.text ).
Articles are ordered by (date, id). Standard library only.
"""
import argparse
import shutil
import gzip
import json
import os
import re
import sys

_WS = re.compile(r"\s+")


def normalize(s):
    s = s.lower().replace("\u2013", "-").replace("\u2014", "-")
    return _WS.sub(" ", s).strip()


def open_any(path):
    if path.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cep", required=True, help="path to cep_2002-2026.jsonl.gz (or .jsonl)")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--topics", default=os.path.join(here, "topics.json"))
    ap.add_argument("--split", choices=["dev", "test"], help="only the topics of this split")
    args = ap.parse_args()

    with open(args.topics, encoding="utf-8") as fh:
        topics = [t for t in json.load(fh) if args.split in (None, t["split"])]
    prepared = []
    for t in topics:
        prepared.append((
            t,
            {normalize(h) for h in t["headings"]},
            [k.lower() for k in t["keywords"]],
            [],
        ))

    with open_any(args.cep) as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            item = json.loads(line)
            date = item["date"]
            title_n = None
            text_l = None
            for t, heads, kws, acc in prepared:
                if not (t["from"] <= date <= t["to"]):
                    continue
                if title_n is None:
                    title_n = normalize(item.get("title") or "")
                    text_l = (item.get("text") or "").lower()
                if title_n in heads or any(k in text_l for k in kws):
                    # The heading is left out: it names the story, which is what a
                    # system is asked to find.
                    acc.append({"id": item["id"], "date": date, "text": item.get("text")})

    os.makedirs(args.out, exist_ok=True)
    for t, _, _, acc in prepared:
        acc.sort(key=lambda a: (a["date"], a["id"]))
        d = os.path.join(args.out, t["topic"])
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "articles.jsonl"), "w", encoding="utf-8") as out:
            for a in acc:
                out.write(json.dumps(a, ensure_ascii=False) + "\n")
        with open(os.path.join(d, "keywords.json"), "w", encoding="utf-8") as out:
            json.dump(t["keywords"], out, ensure_ascii=False)
            out.write("\n")
        # The gold timelines beside the articles: OUT is a complete news-tls layout.
        shutil.copyfile(os.path.join(here, t["topic"], "timelines.jsonl"),
                        os.path.join(d, "timelines.jsonl"))
        print(f"{t['topic']}\t{t['split']}\t{len(acc)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
