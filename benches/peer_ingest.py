#!/usr/bin/env python3
"""Peer baseline for `dateline bench`: the loader an analyst writes today.

Python's standard sqlite3 module with an FTS5 external-content index, exact-duplicate
detection by a SHA-1 of the text, and commits every 1000 rows: what a careful
"spaCy script" pipeline does before any NLP. No near-duplicate detection, no text
cleaning, no validation beyond JSON parsing, so it does less work than dateline.

    peer_ingest.py ingest CORPUS.jsonl STORE.db
    peer_ingest.py search STORE.db QUERIES.txt   # prints one latency (ms) per query
"""
import hashlib
import json
import sqlite3
import sys
import time


def ingest(corpus, db):
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.executescript(
        """
        CREATE TABLE IF NOT EXISTS articles (rowid INTEGER PRIMARY KEY, id TEXT UNIQUE,
            date TEXT, title TEXT, source TEXT, text TEXT);
        CREATE INDEX IF NOT EXISTS articles_date ON articles(date);
        CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(title, text,
            content='articles', content_rowid='rowid');
        """
    )
    pending = 0
    with open(corpus, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            text = rec["text"]
            aid = rec.get("id") or hashlib.sha1(" ".join(text.lower().split()).encode()).hexdigest()[:20]
            cur = con.execute(
                "INSERT OR IGNORE INTO articles (id, date, title, source, text) VALUES (?,?,?,?,?)",
                (aid, rec.get("date", "")[:10], rec.get("title"), rec.get("source"), text),
            )
            if cur.rowcount:
                con.execute(
                    "INSERT INTO articles_fts (rowid, title, text) VALUES (?,?,?)",
                    (cur.lastrowid, rec.get("title"), text),
                )
            pending += 1
            if pending >= 1000:
                con.commit()
                pending = 0
    con.commit()
    con.close()


def search(db, queries):
    con = sqlite3.connect(db)
    sql = """SELECT a.id, a.date, a.title, snippet(articles_fts, 1, '«', '»', '…', 16),
                    bm25(articles_fts, 2.0, 1.0) AS score
             FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
             WHERE articles_fts MATCH ? ORDER BY score LIMIT 10"""
    qs = [q for q in open(queries, encoding="utf-8").read().split("\n") if q.strip()]
    fts = [" ".join('"%s"' % t.replace('"', '""') for t in q.split()) for q in qs]
    for q in fts[:50]:
        con.execute(sql, (q,)).fetchall()
    for q in fts:
        start = time.perf_counter()
        con.execute(sql, (q,)).fetchall()
        print("%.4f" % ((time.perf_counter() - start) * 1000))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "ingest":
        ingest(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "search":
        search(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
