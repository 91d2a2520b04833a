#!/usr/bin/env python3
"""Agreement between the first and the second annotator on the articles both annotated.

    agreement.py LAYER FIRST.jsonl SECOND.jsonl

The first annotator's lines are taken as reference and the second's scored against them
the way `dateline eval` scores a system, so the figure reads as the ceiling a system could
reach against this gold:

* actors: mentions paired by largest overlap; detection F1; linking F1 (names mapped one-to-
  one by shared mentions, CEAF-style); code agreement on linked pairs (country, and full).
* statements: paired when contents overlap by half of the shorter; span F1; speaker F1
  (names mapped one-to-one; anonymous matches anonymous); kind agreement.
* events: paired when verb spans overlap and the root codes agree; F1; dyad F1 (source and
  target countries agree too); exact-code agreement on pairs.

Articles are those gold/annotated.json lists for SECOND (every article the second
annotator read, including those where either found nothing).
"""
import collections
import json
import sys


def read(path):
    by = collections.defaultdict(list)
    for line in open(path, encoding="utf-8"):
        if line.strip():
            r = json.loads(line)
            by[r["article"]].append(r)
    return by


def overlap(a, b):
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def f1(tp, n_ref, n_other):
    p = tp / n_other if n_other else 0.0
    r = tp / n_ref if n_ref else 0.0
    return round(2 * p * r / (p + r), 3) if p + r else 0.0


def pair(ref, other, ok, weight):
    cands = sorted(((weight(a, b), i, j) for i, a in enumerate(ref) for j, b in enumerate(other)
                    if ok(a, b)), reverse=True)
    used_i, used_j, out = set(), set(), []
    for _, i, j in cands:
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
            out.append((ref[i], other[j]))
    return out


def one_to_one(name_pairs):
    shared = collections.Counter(name_pairs)
    mapping, taken = {}, set()
    for (a, b), _ in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0])):
        if a not in mapping and b not in taken:
            mapping[a] = b
            taken.add(b)
    return mapping


def main(layer, first_path, second_path):
    first, second = read(first_path), read(second_path)
    covered = json.load(open("gold/annotated.json", encoding="utf-8"))["files"]
    key = "/".join(second_path.replace("\\", "/").split("/")[-2:])
    articles = sorted(next(ids for k, ids in covered.items() if k.endswith(key)))
    ref = [r for a in articles for r in first.get(a, [])]
    other = [r for a in articles for r in second.get(a, [])]
    pairs = []
    for a in articles:
        f, s = first.get(a, []), second.get(a, [])
        if layer == "actors":
            pairs += pair(f, s, lambda x, y: overlap((x["start"], x["end"]), (y["start"], y["end"])) > 0,
                          lambda x, y: overlap((x["start"], x["end"]), (y["start"], y["end"])))
        elif layer == "statements":
            def ok(x, y):
                o = overlap(x["content"], y["content"])
                short = min(x["content"][1] - x["content"][0], y["content"][1] - y["content"][0])
                return o > 0 and 2 * o >= short
            pairs += pair(f, s, ok, lambda x, y: overlap(x["content"], y["content"]))
        else:
            pairs += pair(f, s, lambda x, y: overlap(x["verb"], y["verb"]) > 0 and x["code"][:2] == y["code"][:2],
                          lambda x, y: overlap(x["verb"], y["verb"]))
    out = {"layer": layer, "articles": len(articles), "first": len(ref), "second": len(other),
           "paired": len(pairs)}
    if layer == "actors":
        mapping = one_to_one((b["actor"], a["actor"]) for a, b in pairs)
        linked = sum(mapping.get(b["actor"]) == a["actor"] for a, b in pairs)
        coded = [(a, b) for a, b in pairs if a["code"] and b["code"]]
        out.update(detection_f1=f1(len(pairs), len(ref), len(other)),
                   linking_f1=f1(linked, len(ref), len(other)),
                   code_country_agreement=round(sum(a["code"][:3] == b["code"][:3] for a, b in coded) / max(1, len(coded)), 3),
                   code_agreement=round(sum(a["code"] == b["code"] for a, b in coded) / max(1, len(coded)), 3))
    elif layer == "statements":
        named = [(a, b) for a, b in pairs if a["speaker"]["name"] and b["speaker"]["name"]]
        mapping = one_to_one((b["speaker"]["name"], a["speaker"]["name"]) for a, b in named)
        right = sum((a["speaker"]["anonymous"] and b["speaker"]["anonymous"]) or
                    (a["speaker"]["name"] is not None and mapping.get(b["speaker"]["name"]) == a["speaker"]["name"])
                    for a, b in pairs)
        out.update(span_f1=f1(len(pairs), len(ref), len(other)),
                   speaker_f1=f1(right, len(ref), len(other)),
                   kind_agreement=round(sum(a["kind"] == b["kind"] for a, b in pairs) / max(1, len(pairs)), 3))
    else:
        def country(actor):
            return ((actor or {}).get("code") or "")[:3]
        dyad = sum(country(a["source"]) == country(b["source"]) and country(a["target"]) == country(b["target"])
                   for a, b in pairs)
        out.update(root_f1=f1(len(pairs), len(ref), len(other)), dyad_f1=f1(dyad, len(ref), len(other)),
                   code_agreement=round(sum(a["code"] == b["code"] for a, b in pairs) / max(1, len(pairs)), 3))
    print(json.dumps(out))


if __name__ == "__main__":
    main(*sys.argv[1:4])
