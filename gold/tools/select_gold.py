#!/usr/bin/env python3
"""Choose the real-news articles the blind gold covers and their train/dev/test split.

Run once; its output is gold/split.json, which is then never rewritten (a new
selection would silently move articles between train and test).

    python3 gold/tools/select_gold.py ../shared > gold/split.json

* Wikinews (`news-wikinews-small/wikinews_small.jsonl`): the 250 articles drawn at
  random (seed 15) among those with a date and 400-9,000 characters of text. The
  73 undated ones are the 2004-05 wikitext dump, whose text is cut mid-template
  ("{{byline|dateobinho ..."); their datelines are unreadable, so they stay out.
  Over 9,000 characters are 17 articles (up to 104k): left out so that one
  annotator's batch stays readable in one sitting.
* Current events (`news-wikipedia-current-events/cep_2002-2026.jsonl.gz`): 1,500
  items drawn at random (seed 15) among the portal's conflict, diplomacy and
  politics categories, with at least 60 characters and not starting mid-phrase.
* Split by article: a second shuffle (seed 1515) of each corpus's selection, first
  60% train, next 20% dev, last 20% test.
* Second annotator: the first fifth of each part of the split (so agreement is read
  on train, dev and test alike).
"""
import gzip
import json
import random
import sys

CATEGORIES = {
    "Armed conflicts and attacks", "Armed conflict and attacks", "Armed conflicts and incidents",
    "International relations", "Politics and elections", "Politics",
}


def eligible(record):
    """A Current-events item of the conflict, diplomacy and politics categories, at
    least 60 characters, not starting mid-phrase."""
    text = record["text"].strip()
    return record["category"] in CATEGORIES and len(text) >= 60 and text[:1].isupper()


def current_events_pool(shared):
    """The sorted ids of every eligible Current-events item."""
    pool = []
    with gzip.open(f"{shared}/data/news-wikipedia-current-events/cep_2002-2026.jsonl.gz", "rt",
                   encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if eligible(r):
                pool.append(r["id"])
    return sorted(pool)


def split(ids, seed):
    ids = sorted(ids)
    random.Random(seed).shuffle(ids)
    n = len(ids)
    train, dev = ids[: n * 60 // 100], ids[n * 60 // 100: n * 80 // 100]
    test = ids[n * 80 // 100:]
    parts = {"train": sorted(train), "dev": sorted(dev), "test": sorted(test)}
    second = sorted(i for part in parts.values() for i in part[: len(part) // 5])
    return parts, second


def main(shared):
    wikinews = []
    with open(f"{shared}/data/news-wikinews-small/wikinews_small.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r.get("date") and 400 <= len(r["text"]) <= 9000:
                wikinews.append(r["id"])
    wikinews = sorted(wikinews)
    wikinews = random.Random(15).sample(wikinews, 250)
    pool = current_events_pool(shared)
    cep = random.Random(15).sample(pool, 1500)
    out = {"about": "Fixed train/dev/test split of the real-news gold by article "
                    "(gold/tools/select_gold.py). Tune on train and dev; report test.",
           "corpora": {}}
    for name, ids, path, layers in (
        ("wikinews", wikinews, "data/news-wikinews-small/wikinews_small.jsonl",
         ["actors", "statements", "events"]),
        ("current-events", cep, "data/news-wikipedia-current-events/cep_2002-2026.jsonl.gz",
         ["events"]),
    ):
        parts, second = split(ids, 1515)
        out["corpora"][name] = {"articles": f"../shared/{path}", "layers": layers, **parts,
                                "second_annotator": second}
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared")
