#!/usr/bin/env python3
"""Turn a peer coder's events into `dateline extract` lines, so that
`dateline eval events --predictions` scores the peer exactly as it scores us.

    peer_extractions.py OURS.jsonl PEER.jsonl > PEER-extract.jsonl

OURS.jsonl is `dateline extract` over the same articles (it gives the stored text
the offsets point into); PEER.jsonl has one event a line:
`{"article", "verb": [start, end], "source", "target" (or null), "code"}`, offsets in
code points of the stored text. Our events are dropped and the peer's put in their
place; mentions, statements and actors stay ours (the event scorer does not read them).
"""
import json
import sys

QUAD = {r: q for q, roots in {1: range(1, 6), 2: range(6, 10), 3: range(10, 15), 4: range(15, 21)}.items() for r in roots}


def span(text, start, end):
    return {"start": start, "end": end, "text": text[start:end]}


def main(ours_path, peer_path):
    peer = {}
    with open(peer_path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                event = json.loads(line)
                peer.setdefault(event["article"], []).append(event)
    with open(ours_path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            extraction = json.loads(line)
            article = extraction["article"]
            text = article["text"]
            events = []
            for n, e in enumerate(peer.get(article["id"], [])):
                start, end = e["verb"]
                root = e["code"][:2]
                verb = span(text, start, end)
                events.append({
                    "id": f"{article['id']}:{start}:{n}",
                    "article_id": article["id"],
                    "date": article["date"],
                    "event_date": article["date"],
                    "code": e["code"],
                    "root": root,
                    "quad_class": QUAD.get(int(root), 1) if root.isdigit() else 1,
                    "goldstein": 0.0,
                    "source": {"code": e["source"], "span": verb},
                    "target": {"code": e["target"], "span": verb} if e.get("target") else None,
                    "negated": False,
                    "hypothetical": False,
                    "conditions": [],
                    "evidence": verb,
                    "confidence": 1.0,
                })
            extraction["events"] = events
            print(json.dumps(extraction, ensure_ascii=False))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
