#!/usr/bin/env python3
"""Draw more Current-events items for the event gold's train part (issue #21).

    python3 gold/tools/select_more.py ../shared 400 > /tmp/more.json

The pool is the one `select_gold.py` drew its 1,500 from (same categories, at least 60
characters, not starting mid-phrase) less those 1,500; the draw is seeded (21), so
the same call gives the same items. Every item drawn goes to `train`: split.json gains
them there and nothing already in it moves, so dev and test stay as they were.
"""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from select_gold import current_events_pool  # noqa: E402


def main(shared, n):
    # The first draw is recomputed, not read from split.json, which now holds this
    # one's items too.
    pool = current_events_pool(shared)
    first = set(random.Random(15).sample(pool, 1500))
    rest = [i for i in pool if i not in first]
    drawn = sorted(random.Random(21).sample(rest, n))
    json.dump(drawn, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
