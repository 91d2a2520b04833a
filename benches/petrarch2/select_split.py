#!/usr/bin/env python3
"""Write the dev and test articles of our real-news event gold (gold/split.json) as
JSON Lines, one file a corpus and split, for `dateline extract`.

    select_split.py OUT_DIR      (run from the repository root, ../shared beside it)
"""
import gzip
import json
import sys

out_dir = sys.argv[1]
corpora = json.load(open("gold/split.json"))["corpora"]
for corpus, split in corpora.items():
    path = split["articles"]
    opener = gzip.open if path.endswith(".gz") else open
    wanted = {name: set(split[name]) for name in ("dev", "test")}
    outs = {name: open(f"{out_dir}/{corpus}-{name}.jsonl", "w") for name in wanted}
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                article_id = json.loads(line).get("id")
                for name, ids in wanted.items():
                    if article_id in ids:
                        outs[name].write(line)
    for out in outs.values():
        out.close()
