"""dateline: who said and did what, to whom, when, and according to whom.

Records are plain dicts shaped like the JSON of `dateline extract` and the HTTP API.
Dates are `YYYY-MM-DD` strings (a `datetime.date` is accepted where a date is given).
"""

import datetime
import os
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

import pyarrow

DateArg = Union[str, datetime.date, None]
PathArg = Union[str, os.PathLike]

class DatelineError(Exception):
    """A record, a store or a query dateline could not handle; the message says why."""

PIPELINE_VERSION: int
"""The version of the extraction pipeline (part of the annotation key)."""

Facts = Union[str, Sequence[Mapping[str, Any]]]

def extract(
    records: Iterable[Mapping[str, Any]],
    knowledge: bool = False,
    actors: Sequence[PathArg] = (),
    facts: Optional[Facts] = None,
    cleaned: bool = False,
) -> list[dict[str, Any]]:
    """One dict per record (`article`, `mentions`, `actors`, `statements`, `events`).

    Records need `text` and `date`; `id`, `title`, `url`, `source`, `lang` are
    optional. With `knowledge=True` each article also uses what the records dated on
    or before it said about the people it names; with `facts` (from `facts()` over
    any records, e.g. gathered from every partition of a cluster), what those said.
    `actors` adds Phoenix-format actor files to the shipped dictionary. With
    `cleaned=True` the records are articles `read()` returned, taken as they are. A
    rejected record raises `DatelineError`.
    """

def facts(
    records: Iterable[Mapping[str, Any]],
    actors: Sequence[PathArg] = (),
    cleaned: bool = False,
) -> list[dict[str, Any]]:
    """What each record alone says about the people it names: one dict per fact
    (`date`, `actor_id`, `name`, `surname`, `code`, `gender`, `titles`)."""

def extract_tables(
    records: Iterable[Mapping[str, Any]],
    knowledge: bool = False,
    actors: Sequence[PathArg] = (),
    facts: Optional[Facts] = None,
    cleaned: bool = False,
    annotations: bool = False,
) -> dict[str, pyarrow.Table]:
    """`extract` as pyarrow Tables (`articles`, `mentions`, `statements`, `events`)
    with the columns of `dateline export --format parquet`; with `annotations=True`
    also `annotations` (`article_id`, `extraction`, `facts`, `asked` as JSON text)
    and `registry` (`id`, `name`, `kind`, `dictionary_codes`): what `dateline load`
    reads."""

def read(
    records: Iterable[Union[str, Mapping[str, Any]]],
    origin: str = "<records>",
    lines: Optional[Sequence[int]] = None,
) -> dict[str, list[dict[str, Any]]]:
    """Reads records (dicts or JSON lines) as `dateline ingest` reads a JSON Lines
    file, without raising on a bad one: `articles` (the cleaned article's fields plus
    `index`, `content_hash`, `minhash` bytes and `bands`, the LSH band keys) and
    `rejected` (`index`, `reason` naming `origin` and the record's line, from `lines`
    or its position from 1)."""

class PreparedRecords:
    """Articles with their language and actor layers, waiting for what other
    articles say about the people they name."""

    def facts_json(self) -> str:
        """What each article alone says about the people it names (a JSON array)."""
    def complete(
        self, facts: Optional[Facts] = None, annotations: bool = False
    ) -> dict[str, pyarrow.Table]:
        """Finishes the articles with what `facts` say (as of each article's date)
        and returns `extract_tables`' tables. Once only."""

def prepare(
    records: Iterable[Mapping[str, Any]],
    actors: Sequence[PathArg] = (),
    cleaned: bool = False,
) -> PreparedRecords:
    """The first step of a distributed run, computed once per article."""

def annotation_key(actors: Sequence[PathArg] = ()) -> int:
    """The key a store files annotations under: pipeline version × dictionaries."""

class Store:
    """A dateline store (one SQLite file), created if missing."""

    def __init__(self, path: PathArg) -> None: ...
    def ingest(
        self, records: Iterable[Mapping[str, Any]], actors: Sequence[PathArg] = ()
    ) -> dict[str, Any]:
        """Store and annotate `records` as `dateline ingest` does; returns counts."""
    def search(
        self,
        query: str,
        as_of: DateArg = None,
        from_: DateArg = None,
        to: DateArg = None,
        limit: int = 10,
    ) -> pyarrow.Table:
        """Ranked hits: id, date, title, source, dup_of, snippet, score."""
    def statements(
        self,
        speaker: Optional[str] = None,
        about: Optional[str] = None,
        kind: Optional[str] = None,
        as_of: DateArg = None,
        from_: DateArg = None,
        to: DateArg = None,
        limit: Optional[int] = None,
    ) -> pyarrow.Table:
        """Statements with the columns of the Parquet export."""
    def events(
        self,
        source: Optional[str] = None,
        target: Optional[str] = None,
        code: Optional[str] = None,
        root: Optional[str] = None,
        as_of: DateArg = None,
        from_: DateArg = None,
        to: DateArg = None,
        limit: Optional[int] = None,
    ) -> pyarrow.Table:
        """Events with the columns of the Parquet export."""
    def actors(
        self,
        query: Optional[str] = None,
        as_of: DateArg = None,
        from_: DateArg = None,
        to: DateArg = None,
        limit: int = 100,
    ) -> pyarrow.Table:
        """The actor registry as the window shows it, most mentioned first."""
    def timeline(
        self,
        actor: str,
        with_: Optional[str] = None,
        topic: Optional[str] = None,
        as_of: DateArg = None,
        from_: DateArg = None,
        to: DateArg = None,
    ) -> dict[str, Any]:
        """Entries in the order they happened, stances and shifts (as the API)."""
