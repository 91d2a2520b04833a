#!/usr/bin/env python3
"""Compare the internal SQLite tables of two `dateline` stores, content only.

    python3 reliability/storediff.py A.db B.db

`dateline export` shows the records; this also covers what export does not show
(MinHash bands, person facts, knowledge questions, settings, `extracted` marks,
`dup_of`/`dup_via`). Generic over the schema: every ordinary table except SQLite's own
(`sqlite_*`, including the ANALYZE statistics `sqlite_stat1/4`, which depend on when
ANALYZE ran), the FTS5 shadow tables of stores from before schema 8 (`articles_fts_*`),
and what belongs to the search index beside the file: its change log `search_queue`
(whose entries depend on the commit history) and the store's random id
(`search_index.store` in `settings`); `dateline check` verifies the index. Also left
out: `annotation_generation` in `settings`, a count of annotation batches saved, which
only tells a story pass whether annotations changed while it read (so it depends on
how the work was split into batches, not on what was stored). Integer `rowid` keys are
dropped and every column that references another table's rowid (per the foreign keys
the schema declares) is replaced with that row's `id`, since rowids depend on the order
batches committed in. BLOBs are compared as hex.
"""

from __future__ import annotations

import sqlite3
import sys
from collections import Counter
from pathlib import Path


def _tables(conn) -> list[str]:
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
    out = []
    for name, sql in rows:
        if name.startswith("sqlite_") or name.startswith("articles_fts") or name == "search_queue":
            continue
        if sql and sql.upper().startswith("CREATE VIRTUAL"):
            continue
        out.append(name)
    return out


def snapshot(db: Path) -> dict[str, Counter]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        snap: dict[str, Counter] = {}
        for table in _tables(conn):
            cols = conn.execute(f"PRAGMA table_info('{table}')").fetchall()
            fks = {row[3]: (row[2], row[4]) for row in
                   conn.execute(f"PRAGMA foreign_key_list('{table}')").fetchall()}
            exprs = []
            for _cid, name, ctype, _nn, _dflt, _pk in cols:
                if name == "rowid":
                    continue
                if name in fks and fks[name][1] in ("rowid", None):
                    other = fks[name][0]
                    exprs.append(f'(SELECT o.id FROM "{other}" o WHERE o.rowid = t."{name}")')
                elif ctype.upper() == "BLOB":
                    exprs.append(f'hex(t."{name}")')
                else:
                    exprs.append(f't."{name}"')
            where = (" WHERE t.key NOT IN ('search_index.store', 'annotation_generation')"
                     if table == "settings" else "")
            rows = conn.execute(f'SELECT {", ".join(exprs)} FROM "{table}" t{where}').fetchall()
            snap[table] = Counter(rows)
        return snap
    finally:
        conn.close()


def compare(a: dict[str, Counter], b: dict[str, Counter]) -> dict:
    """Tables whose rows differ: {table: {missing, extra, examples}} (empty when equal)."""
    out = {}
    for table in sorted(set(a) | set(b)):
        ra, rb = a.get(table, Counter()), b.get(table, Counter())
        missing, extra = ra - rb, rb - ra
        if missing or extra:
            out[table] = {
                "missing": sum(missing.values()),
                "extra": sum(extra.values()),
                "examples": [("missing", str(r)[:200]) for r in list(missing)[:2]]
                + [("extra", str(r)[:200]) for r in list(extra)[:2]],
            }
    return out


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    diff = compare(snapshot(Path(sys.argv[1])), snapshot(Path(sys.argv[2])))
    for table, d in diff.items():
        print(f"{table}: {d['missing']} missing, {d['extra']} extra; {d['examples']}")
    print("equal" if not diff else "DIFFERENT")
    sys.exit(1 if diff else 0)
