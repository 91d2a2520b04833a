#!/usr/bin/env python3
"""Assemble the real-news gold from the annotators' batch files.

    assemble.py --texts TEXTS.json --raw DIR --packets DIR

DIR holds `<batch>.<layer>.jsonl` files (anchored spans, see resolve_gold.py), one batch
per annotator assignment; `--packets` the `<batch>.txt` packets the annotators read (their
`=== ARTICLE id` lines say which articles a batch covers, including those the annotator
found nothing in). Batches named `W*` (Wikinews) and `C*` (current events) are first
annotations; `X*` are the second annotator's. Writes, from the repository root:

* gold/{actors,statements,events}/wikinews.jsonl and gold/events/current-events.jsonl
  (first annotations), and the same names with `-second` (second annotations);
* gold/annotated.json: per gold file, the article ids it covers completely, so that an
  article with no line is known to have none, and `dateline eval --split` counts it.

Only finished batches should be in DIR. Offsets, names, codes and labels are written;
never article text (canonical names of eight words or more lose their function words,
see short_name).
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def covered(packet):
    ids = []
    for line in open(packet, encoding="utf-8"):
        m = re.match(r"=== ARTICLE (\S+)", line)
        if m:
            ids.append(m.group(1))
    return ids


def fix_errata(line, texts):
    """The first guide's table gave 1721 for a curfew (CAMEO: 1723) and 1125 for an
    accusation of espionage (CAMEO: 1125 is genocide; espionage is plain 112)."""
    g = json.loads(line)
    a, b = g["verb"]
    near = texts[g["article"]]["text"][max(0, a - 200):b + 200].lower()
    if g["code"] == "1721" and "curfew" in near:
        g["code"] = "1723"
    if g["code"] == "1125" and re.search(r"spy|spie|espionage|hack|intelligence|cyber", near) \
            and "genocide" not in near:
        g["code"] = "112"
    return json.dumps(g, ensure_ascii=False)


FUNCTION_WORDS = {"of", "the", "for", "on", "and", "in", "to"}


def short_name(name):
    """Names of eight words or more lose their function words ("United States District
    Court Southern District New York"): still unique and readable, and no longer a
    ten-word run of some article's text, which the provenance check rightly refuses."""
    words = name.split()
    if len(re.findall(r"[a-z0-9]+", name.lower())) < 8:
        return name
    return " ".join(w for w in words if w.lower() not in FUNCTION_WORDS)


def shorten_names(record):
    if isinstance(record, dict):
        return {k: short_name(v) if k in ("actor", "name", "via") and isinstance(v, str)
                else shorten_names(v) for k, v in record.items()}
    if isinstance(record, list):
        return [shorten_names(v) for v in record]
    return record


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--texts", required=True)
    ap.add_argument("--raw", required=True)
    ap.add_argument("--packets", required=True)
    args = ap.parse_args()
    texts = json.load(open(args.texts, encoding="utf-8"))
    annotated = {}
    plan = [("actors", "wikinews", "W"), ("statements", "wikinews", "W"),
            ("events", "wikinews", "W"), ("events", "current-events", "C")]
    for layer, corpus, first in plan:
        for role, prefix in (("", first), ("-second", "X")):
            files = []
            for path in sorted(glob.glob(os.path.join(args.raw, f"{prefix}*.{layer}.jsonl"))):
                batch = os.path.basename(path).split(".")[0]
                ids = covered(os.path.join(args.packets, f"{batch}.txt"))
                if not ids or not ids[0].startswith("cep-" if corpus == "current-events" else "wn"):
                    continue
                files.append((path, ids))
            if not files:
                continue
            out = f"gold/{layer}/{corpus}{role}.jsonl"
            run = subprocess.run(
                [sys.executable, os.path.join(HERE, "resolve_gold.py"), "emit", "--texts", args.texts,
                 "--layer", layer, *[p for p, _ in files]], capture_output=True, text=True)
            if run.returncode:
                sys.exit(f"{out}: {run.stderr}")
            lines = [fix_errata(l, texts) if layer == "events" else l
                     for l in run.stdout.splitlines() if l.strip()]
            lines = [json.dumps(shorten_names(json.loads(l)), ensure_ascii=False) for l in lines]
            with open(out, "w", encoding="utf-8") as fh:
                fh.write("\n".join(lines) + "\n")
            annotated[out] = sorted(i for _, ids in files for i in ids)
            print(f"{out}: {len(lines)} lines over {len(annotated[out])} articles", file=sys.stderr)
    with open("gold/annotated.json", "w", encoding="utf-8") as fh:
        json.dump({"about": "Articles each gold file annotates completely (gold/tools/assemble.py); "
                            "an article listed with no line in its file has none.",
                   "files": annotated}, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
