#!/usr/bin/env python3
"""Peer for the actor-dictionary rows of `dateline bench`: the way PETRARCH-style
Python coders find actors — the Phoenix dictionaries loaded into a dict keyed by
word tuples, then a longest-match scan over the text's words. Pure Python, one core.

    peer_actor_match.py DICTIONARY_DIR TEXT_FILE...   # prints per file: MB seconds found
    (first line: load seconds)

Words are the text split on whitespace with surrounding punctuation stripped and
upper-cased (PETRARCH upper-cases its input); dictionary phrases join words with "_"
or spaces, as in the files. Only names are matched (not roles), longest first, up to
eight words.
"""
import os
import sys
import time

MAX_WORDS = 8
FILES = ["Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt",
         "Phoenix.MilNonState.actors.txt"]


def load(folder):
    names = {}
    for name in FILES:
        with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as f:
            for line in f:
                line = line.split("#", 1)[0]
                if not line.strip() or line[0] in " \t":
                    continue
                phrase = line.split("[", 1)[0].strip().lstrip("+")
                words = tuple(w for w in phrase.replace("_", " ").split() if w)
                if words and len(words) <= MAX_WORDS:
                    names.setdefault(words, phrase)
    return names


def match(names, text):
    words = [w.strip(".,;:!?\"'()[]“”‘’").upper() for w in text.split()]
    found, i = 0, 0
    while i < len(words):
        best = 0
        for n in range(min(MAX_WORDS, len(words) - i), 0, -1):
            if tuple(words[i:i + n]) in names:
                best = n
                break
        if best:
            found += 1
            i += best
        else:
            i += 1
    return found


def main():
    started = time.perf_counter()
    names = load(sys.argv[1])
    print(f"{time.perf_counter() - started:.4f}")
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        started = time.perf_counter()
        found = match(names, text)
        seconds = time.perf_counter() - started
        print(f"{len(text.encode()) / 1e6:.3f} {seconds:.4f} {found}")


if __name__ == "__main__":
    main()
