"""The Python package end to end: the same records as the CLI, errors as exceptions."""

import datetime
import json
import subprocess
from pathlib import Path

import pytest

import dateline

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
FICTION = EXAMPLES / "dictionary" / "fictional.actors"

MARSK = {
    "id": "py-1",
    "date": "2031-03-04",
    "title": "Marsk rules out talks",
    "source": "The Test Ledger",
    "text": "President Ilena Marsk of Veldora said on Tuesday that there would be no "
    "talks with Haldmere. “We will not sit down with them,” Marsk told reporters.",
}


def example_records():
    """The JSON Lines examples as dicts."""
    records = []
    for path in sorted((EXAMPLES / "jsonl").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                records.append(json.loads(line))
    return records


def cli():
    """The dateline binary of this checkout, when it has been built."""
    for profile in ("release", "debug"):
        binary = REPO / "target" / profile / "dateline"
        if binary.exists():
            return binary
    return None


def test_extract_gives_one_record_per_article_shaped_like_the_cli():
    [out] = dateline.extract([MARSK], actors=[FICTION])
    assert out["article"]["id"] == "py-1"
    assert set(out) >= {"article", "mentions", "actors", "statements", "events"}
    marsk = [m for m in out["mentions"] if m["span"]["text"] == "Ilena Marsk"]
    assert marsk and marsk[0]["actor_id"] == "ilena-marsk"
    direct = [s for s in out["statements"] if s["kind"] == "direct"]
    assert direct and direct[0]["speaker"]["actor_id"] == "ilena-marsk"
    text = MARSK["text"]
    for m in out["mentions"]:
        assert text[m["span"]["start"] : m["span"]["end"]] == m["span"]["text"]


def test_extract_equals_the_binary_on_the_examples():
    binary = cli()
    if binary is None:
        pytest.skip("no target/*/dateline built")
    records = example_records()
    ours = dateline.extract(records, actors=[FICTION])
    lines = subprocess.run(
        [str(binary), "extract", str(EXAMPLES / "jsonl"), "--actors", str(FICTION)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    theirs = [json.loads(line) for line in lines]
    assert len(ours) == len(theirs) == len(records)
    assert ours == theirs


def test_knowledge_uses_earlier_records_and_never_later_ones():
    titled = {"id": "t", "date": "2031-03-02",
              "text": "Veldoran Foreign Minister Sabine Drost arrived in Strenholt on Monday."}
    later = {"id": "l", "date": "2031-03-05", "text": "Sabine Drost met the delegation."}
    earlier = {"id": "e", "date": "2031-03-01", "text": "Sabine Drost met the delegation."}
    out = dateline.extract([earlier, titled, later], knowledge=True, actors=[FICTION])
    code = {o["article"]["id"]: [m.get("code") for m in o["mentions"]
                                 if m["span"]["text"] == "Sabine Drost"][0] for o in out}
    assert code == {"e": None, "t": "VLDGOV", "l": "VLDGOV"}


def test_facts_gathered_from_partitions_give_the_records_of_the_whole():
    """The two stages of a distributed run: facts per partition, gathered, then
    extraction with them, equal extraction of the whole with knowledge."""
    records = example_records()
    whole = dateline.extract(records, knowledge=True, actors=[FICTION])
    halves = [records[::2], records[1::2]]
    gathered = [f for part in halves for f in dateline.facts(part, actors=[FICTION])]
    assert gathered and {"date", "actor_id", "surname"} <= set(gathered[0])
    parts = [dateline.extract(part, facts=gathered, actors=[FICTION]) for part in halves]
    by_id = {o["article"]["id"]: o for part in parts for o in part}
    assert {o["article"]["id"]: o for o in whole} == by_id
    with pytest.raises(ValueError, match="not both"):
        dateline.extract(records[:1], knowledge=True, facts=gathered)


def test_a_bad_record_raises_with_its_position_and_reason():
    with pytest.raises(dateline.DatelineError, match=r"<records>:2.*date"):
        dateline.extract([MARSK, {"id": "x", "text": "No date here."}])


def test_a_malformed_actor_line_warns_and_the_rest_is_used(tmp_path):
    actors = tmp_path / "people.actors"
    actors.write_text("ILENA_MARSK_ [VLDGOV]\nTHIS LINE IS [BROKEN\n", encoding="utf-8")
    with pytest.warns(UserWarning, match="people.actors"):
        [out] = dateline.extract([MARSK], actors=[actors])
    assert any(m.get("code") == "VLDGOV" for m in out["mentions"])


def test_dates_may_be_python_dates():
    record = dict(MARSK, date=datetime.date(2031, 3, 4))
    [out] = dateline.extract([record])
    assert out["article"]["date"] == "2031-03-04"


def test_a_store_answers_as_the_cli_does(tmp_path):
    store = dateline.Store(tmp_path / "store.db")
    counts = store.ingest(example_records(), actors=[FICTION])
    assert counts["new"] > 10 and counts["annotated"] >= counts["new"]
    hits = store.search("talks", limit=5)
    assert 0 < hits.num_rows <= 5
    assert hits.column_names == ["id", "date", "title", "source", "dup_of", "snippet", "score"]
    marsk = store.statements(speaker="Marsk")
    assert marsk.num_rows > 0
    assert set(marsk.column("speaker_actor_id").to_pylist()) == {"ilena-marsk"}
    early = store.statements(as_of="2031-03-10")
    assert max(early.column("date").to_pylist()) <= datetime.date(2031, 3, 10)
    assert early.num_rows < store.statements().num_rows
    events = store.events(source="VLD", limit=20)
    assert all(code.startswith("VLD") for code in events.column("source_code").to_pylist())
    actors = store.actors(limit=5)
    mentions = actors.column("mentions").to_pylist()
    assert mentions and mentions == sorted(mentions, reverse=True)
    timeline = store.timeline("Ilena Marsk", topic="negotiation")
    assert timeline["entries"]
    # A second ingest of the same records stores nothing new.
    again = store.ingest(example_records())
    assert again["new"] == 0


def test_tables_have_the_parquet_exports_schema(tmp_path):
    binary = cli()
    if binary is None:
        pytest.skip("no target/*/dateline built")
    import pyarrow.parquet as pq

    db = tmp_path / "store.db"
    store = dateline.Store(db)
    store.ingest(example_records(), actors=[FICTION])
    out = tmp_path / "export"
    subprocess.run(
        [str(binary), "export", "--format", "parquet", "--out", str(out), "--db", str(db)],
        check=True,
        capture_output=True,
    )
    exported = pq.read_table(out / "statements.parquet")
    ours = store.statements()
    assert ours.schema == exported.schema
    assert ours.to_pylist() == exported.to_pylist()
    tables = dateline.extract_tables(example_records(), actors=[FICTION])
    assert tables["events"].schema == pq.read_table(out / "events.parquet").schema
    assert tables["articles"].num_rows == len(example_records())


def test_bad_arguments_raise(tmp_path):
    store = dateline.Store(tmp_path / "store.db")
    with pytest.raises(ValueError, match="as_of"):
        store.statements(as_of="March 3")
    with pytest.raises(dateline.DatelineError, match="cannot open store"):
        dateline.Store(tmp_path / "missing" / "dir" / "store.db")


def test_read_keeps_going_past_bad_records_and_names_their_lines():
    got = dateline.read([MARSK, "{not json", {"id": "x", "text": "no date"}],
                        origin="feed.jsonl", lines=[10, 11, 12])
    [article] = got["articles"]
    assert article["index"] == 0 and article["id"] == "py-1"
    assert len(article["minhash"]) == 512 and len(article["bands"]) == 12
    assert isinstance(article["content_hash"], int)
    reasons = {r["index"]: r["reason"] for r in got["rejected"]}
    assert set(reasons) == {1, 2}
    assert reasons[1].startswith("feed.jsonl:11: invalid JSON")
    assert reasons[2].startswith("feed.jsonl:12: missing date")
    # A JSON line reads as the dict it encodes; the cleaned article reads back as is.
    again = dateline.read([json.dumps(MARSK)])["articles"][0]
    assert again["text"] == article["text"]
    cleaned = {k: v for k, v in article.items()
               if k not in ("index", "content_hash", "minhash", "bands")}
    assert dateline.extract([cleaned], cleaned=True) == dateline.extract([MARSK])
    with pytest.raises(ValueError, match="lines"):
        dateline.read([MARSK], lines=[1, 2])
    # A blank line is skipped, as `dateline ingest` skips it: neither article nor reject.
    assert dateline.read(["", "   "]) == {"articles": [], "rejected": []}


def test_prepared_partitions_exchanging_facts_give_the_records_of_the_whole():
    """The barrier stage of the Spark job: prepare each partition once, exchange the
    facts, complete: the tables equal those of the whole extracted with knowledge."""
    records = example_records()
    whole = dateline.extract_tables(records, knowledge=True, actors=[FICTION])
    halves = [dateline.prepare(part, actors=[FICTION]) for part in (records[::2], records[1::2])]
    shared = "[" + ",".join(p.facts_json()[1:-1] for p in halves) + "]"
    parts = [p.complete(facts=shared, annotations=True) for p in halves]
    for name in ("articles", "mentions", "statements", "events"):
        rows = sorted((r for part in parts for r in part[name].to_pylist()), key=repr)
        assert rows == sorted(whole[name].to_pylist(), key=repr), name
    annotations = [r for part in parts for r in part["annotations"].to_pylist()]
    assert {r["article_id"] for r in annotations} == {r["id"] for r in records}
    assert all(json.loads(r["extraction"])["article"]["id"] == r["article_id"]
               for r in annotations)
    with pytest.raises(dateline.DatelineError, match="already completed"):
        halves[0].complete(facts=shared)
    assert isinstance(dateline.annotation_key(), int) and dateline.PIPELINE_VERSION >= 4
