"""Row-for-row comparison of `dateline export --format parquet` and the Spark job's output.

    python spark/compare.py EXPORT_DIR SPARK_OUT

Each table is normalised (columns in the export's order, rows sorted, values as
Python objects) and compared whole; the first differing rows of each table are
printed. Exit status 1 if any table differs.
"""

import sys

import pyarrow.dataset as ds
import pyarrow.parquet as pq

TABLES = ("articles", "mentions", "actors", "statements", "events")


def rows(table, columns):
    def value(v):
        return tuple(v) if isinstance(v, list) else v

    data = table.select(columns).to_pylist()
    return sorted((tuple(value(r[c]) for c in columns) for r in data),
                  key=lambda r: tuple((v is None, repr(v)) for v in r))


def differences(export_dir, spark_dir, tables=TABLES, show=3):
    """One message per table that differs (empty: identical)."""
    out = []
    for name in tables:
        expected = pq.read_table(f"{export_dir}/{name}.parquet")
        got = ds.dataset(f"{spark_dir}/{name}", format="parquet").to_table()
        columns = expected.column_names
        missing = [c for c in columns if c not in got.column_names]
        if missing:
            out.append(f"{name}: columns missing from the Spark output: {missing}")
            continue
        a, b = rows(expected, columns), rows(got, columns)
        if a == b:
            continue
        def brief(r):
            return tuple(v[:80] + "…" if isinstance(v, str) and len(v) > 80 else v for v in r)

        only_a = [brief(r) for r in a if r not in set(b)][:show]
        only_b = [brief(r) for r in b if r not in set(a)][:show]
        out.append(f"{name}: {len(a)} rows from ingest, {len(b)} from Spark\n"
                   f"  only ingest: {only_a}\n  only Spark: {only_b}")
    return out


if __name__ == "__main__":
    problems = differences(sys.argv[1], sys.argv[2])
    for p in problems:
        print(p)
    print("identical" if not problems else f"{len(problems)} table(s) differ")
    sys.exit(1 if problems else 0)
