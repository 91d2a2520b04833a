"""Numbered sentence-like units of an article's stored text, for annotators to point into.

A unit is a line of the text cut after `.`, `!` or `?` (and any closing quotes or
brackets) when a space and an upper-case letter, digit or opening quote follow. The
cut is deliberately naive and independent of dateline's own sentence splitter: it only
gives annotators short numbered stretches to anchor spans in, and gold offsets are
absolute, so a bad cut costs nothing but convenience.
"""
import re

CUT = re.compile(r"""(?<=[.!?])["'”’)\]]*\s+(?=["'“‘(]?[A-Z0-9])""")


def units(text):
    """[(start, end)] code-point ranges of the units, in order."""
    out = []
    pos = 0
    for line in text.split("\n"):
        start = 0
        for m in CUT.finditer(line):
            end = m.start() + len(m.group(0).rstrip())
            # keep closing quotes with the sentence they close
            piece = line[start:end]
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                out.append((pos + start + lead, pos + start + len(piece.rstrip())))
            start = m.end()
        piece = line[start:]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            out.append((pos + start + lead, pos + start + len(piece.rstrip())))
        pos += len(line) + 1
    return out
