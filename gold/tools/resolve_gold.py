#!/usr/bin/env python3
"""Turn annotators' anchored spans into the offset gold of gold/{actors,statements,events}.

Annotators read an article as numbered units (gold/tools/units.py) and point at text
instead of counting characters:

    {"s": 4, "text": "Putin"}                     the first whole-word "Putin" in unit 4
    {"s": 4, "text": "he", "n": 2}                the second whole-word "he" in unit 4
    {"s": 4, "from": "We will", "to": "talks", "s_to": 5}
                                                  from "We will" in unit 4 to the end of
                                                  the first "talks" after it (in unit 5)

Usage:
    resolve_gold.py check --texts TEXTS.json --layer actors FILE...   errors, then each span's text
    resolve_gold.py emit  --texts TEXTS.json --layer actors FILE...   offset gold on stdout

TEXTS.json maps article id -> {"date", "text"} with the text exactly as `dateline
extract` stores it. Exit 1 when any line has an error; errors name file:line.
The emitted gold holds offsets, names, codes and labels, never article text.
"""
import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from units import units  # noqa: E402

KINDS = {"name", "title", "pronoun", "metonymy", "group"}
STATEMENT_KINDS = {"direct", "indirect", "mixed"}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CODE = re.compile(r"^[0-9]{2,4}$")
ACTOR_CODE = re.compile(r"^[A-Z]{3}([A-Z]{3})?$")


class Bad(Exception):
    pass


def occurrences(hay, needle):
    """Start offsets of `needle` in `hay`, whole words where the needle starts/ends
    with a word character."""
    if not needle:
        raise Bad("empty text")
    pattern = re.escape(needle)
    if re.match(r"\w", needle):
        pattern = r"(?<!\w)" + pattern
    if re.search(r"\w$", needle):
        pattern = pattern + r"(?!\w)"
    return [m.start() for m in re.finditer(pattern, hay)]


def resolve(span, text, cuts):
    if span is None:
        return None
    if not isinstance(span, dict) or "s" not in span:
        raise Bad(f"a span is {{\"s\": N, \"text\": ...}} or {{\"s\": N, \"from\": ..., \"to\": ...}}, got {span!r}")
    s = span["s"]
    if not isinstance(s, int) or not 1 <= s <= len(cuts):
        raise Bad(f"unit {s!r} does not exist (1..{len(cuts)})")
    us, ue = cuts[s - 1]
    unit = text[us:ue]
    n = span.get("n", 1)
    if "text" in span:
        hits = occurrences(unit, span["text"])
        if len(hits) < n:
            raise Bad(f"unit {s} has {len(hits)} whole-word {span['text']!r}, not {n}")
        start = us + hits[n - 1]
        return [start, start + len(span["text"])]
    if "from" in span and "to" in span:
        hits = occurrences(unit, span["from"])
        if len(hits) < n:
            raise Bad(f"unit {s} has {len(hits)} whole-word {span['from']!r}, not {n}")
        start = us + hits[n - 1]
        s_to = span.get("s_to", s)
        if not isinstance(s_to, int) or not s <= s_to <= len(cuts):
            raise Bad(f"s_to {s_to!r} must be a unit at or after {s}")
        ts, te = cuts[s_to - 1]
        lo = max(ts, start)
        after = [lo + h for h in occurrences(text[lo:te], span["to"])]
        if not after:
            raise Bad(f"no {span['to']!r} in unit {s_to} after {span['from']!r}")
        return [start, after[0] + len(span["to"])]
    raise Bad(f"a span needs \"text\", or \"from\" and \"to\": {span!r}")


def check_date(value, what):
    if value is not None and not (isinstance(value, str) and DATE.match(value)):
        raise Bad(f"{what} must be YYYY-MM-DD or null, got {value!r}")


def check_actor_code(value, what):
    if value is not None and not (isinstance(value, str) and ACTOR_CODE.match(value)):
        raise Bad(f"{what} must be a 3- or 6-letter CAMEO actor code or null, got {value!r}")


def convert(layer, r, text, cuts):
    if layer == "actors":
        start, end = resolve(r["span"], text, cuts)
        if r.get("kind") not in KINDS:
            raise Bad(f"kind must be one of {sorted(KINDS)}")
        if not isinstance(r.get("actor"), str) or not r["actor"]:
            raise Bad("actor must be a canonical name")
        check_actor_code(r.get("code"), "code")
        return {"article": r["article"], "start": start, "end": end, "actor": r["actor"],
                "code": r.get("code"), "kind": r["kind"]}, [(start, end)]
    if layer == "statements":
        if r.get("kind") not in STATEMENT_KINDS:
            raise Bad(f"kind must be one of {sorted(STATEMENT_KINDS)}")
        content = resolve(r["content"], text, cuts)
        cue = resolve(r.get("cue"), text, cuts)
        sp = r.get("speaker") or {}
        anonymous = bool(sp.get("anonymous", False))
        if anonymous == bool(sp.get("name")):
            raise Bad("speaker needs a name, or anonymous: true and no name")
        span = resolve(sp.get("span"), text, cuts)
        description = resolve(sp.get("description"), text, cuts)
        if sp.get("resolved_from") not in (None, "pronoun", "surname", "title", "previous"):
            raise Bad("resolved_from must be null, pronoun, surname, title or previous")
        check_date(r.get("said_on"), "said_on")
        out = {"article": r["article"], "kind": r["kind"], "content": content, "cue": cue,
               "cue_lemma": r.get("cue_lemma"),
               "speaker": {"name": sp.get("name"), "span": span,
                           "resolved_from": sp.get("resolved_from"), "anonymous": anonymous,
                           "description": description},
               "via": r.get("via"), "said_on": r.get("said_on")}
        return out, [x for x in (content, cue, span, description) if x]
    if layer == "events":
        verb = resolve(r["verb"], text, cuts)
        if not (isinstance(r.get("code"), str) and CODE.match(r["code"])):
            raise Bad(f"code must be a CAMEO event code string like \"042\", got {r.get('code')!r}")
        actors = {}
        for side in ("source", "target"):
            a = r.get(side)
            if a is None:
                if side == "source":
                    raise Bad("source is required")
                actors[side] = None
                continue
            if not isinstance(a, dict) or not a.get("name"):
                raise Bad(f"{side} must be {{\"name\", \"code\"}}")
            check_actor_code(a.get("code"), f"{side}.code")
            actors[side] = {"name": a["name"], "code": a.get("code")}
        conditions = [resolve(c, text, cuts) for c in r.get("conditions", [])]
        for flag in ("negated", "hypothetical", "reported"):
            if not isinstance(r.get(flag, False), bool):
                raise Bad(f"{flag} must be true or false")
        check_date(r.get("event_date"), "event_date")
        out = {"article": r["article"], "verb": verb, **actors, "code": r["code"],
               "negated": r.get("negated", False), "hypothetical": r.get("hypothetical", False),
               "conditions": conditions, "reported": r.get("reported", False),
               "event_date": r.get("event_date")}
        return out, [verb, *conditions]
    raise Bad(f"unknown layer {layer}")


def sort_key(layer, g):
    if layer == "actors":
        return (g["article"], g["start"], g["end"])
    if layer == "statements":
        return (g["article"], g["content"][0], g["content"][1])
    return (g["article"], g["verb"][0], g["source"]["name"],
            (g["target"] or {}).get("name") or "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["check", "emit"])
    ap.add_argument("--texts", required=True)
    ap.add_argument("--layer", required=True, choices=["actors", "statements", "events"])
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    texts = json.load(open(args.texts, encoding="utf-8"))
    cuts_of = {}
    out, errors = [], 0
    for path in args.files:
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                where = f"{path}:{n}"
                try:
                    r = json.loads(line)
                    if r.get("article") not in texts:
                        raise Bad(f"unknown article {r.get('article')!r}")
                    text = texts[r["article"]]["text"]
                    cuts = cuts_of.setdefault(r["article"], units(text))
                    gold, spans = convert(args.layer, r, text, cuts)
                except (Bad, KeyError, TypeError, ValueError) as e:
                    errors += 1
                    print(f"{where}: {e}", file=sys.stderr)
                    continue
                out.append(gold)
                if args.mode == "check":
                    shown = " | ".join(repr(text[a:b][:80]) for a, b in spans)
                    print(f"{where}: {shown}")
    if args.mode == "emit":
        for g in sorted(out, key=lambda g: sort_key(args.layer, g)):
            print(json.dumps(g, ensure_ascii=False))
    print(f"{len(out)} lines resolved, {errors} errors", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
