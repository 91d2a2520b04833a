#!/usr/bin/env python3
"""Draw more Current-events items for the event gold's train part (issue #21).

    python3 gold/tools/select_more.py ../shared 400 > /tmp/more.json

The pool is the one `select_gold.py` drew its 1,500 from (same categories, at least 60
characters, not starting mid-phrase) less those 1,500; the draw is seeded (21), so
the same call gives the same items. Every item drawn goes to `train`: split.json gains
them there and nothing already in it moves, so dev and test stay as they were.
"""
import gzip
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from select_gold import CATEGORIES  # noqa: E402


def main(shared, n):
    split = json.load(open("gold/split.json", encoding="utf-8"))
    taken = set()
    for part in ("train", "dev", "test"):
        taken.update(split["corpora"]["current-events"][part])
    pool = []
    with gzip.open(f"{shared}/data/news-wikipedia-current-events/cep_2002-2026.jsonl.gz", "rt",
                   encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            text = r["text"].strip()
            if (r["category"] in CATEGORIES and len(text) >= 60 and text[:1].isupper()
                    and r["id"] not in taken):
                pool.append(r["id"])
    drawn = sorted(random.Random(21).sample(sorted(pool), n))
    json.dump(drawn, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
