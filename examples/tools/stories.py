"""Parse the fictional story sources in examples/tools/source/*.stories.

Shared by build_examples.py and check_examples.py. Everything here is
fiction written for the dateline examples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

SOURCE_DIR = Path(__file__).resolve().parent / "source"

MULTI_KEYS = {"edit"}


@dataclass
class Story:
    id: str
    meta: dict
    paras: list[str]  # straight-quoted source paragraphs
    edits: list[str] = field(default_factory=list)

    @property
    def fmt(self) -> str:
        return self.meta["format"]

    @property
    def date(self) -> str:
        return self.meta["date"]

    @property
    def local_date(self) -> str:
        return self.meta["date"][:10]

    @property
    def copy_of(self) -> str | None:
        return self.meta.get("copy_of")

    @property
    def curly(self) -> bool:
        return self.meta.get("quotes", "straight") == "curly"

    @property
    def title(self) -> str:
        return curl(self.meta["title"]) if self.curly else self.meta["title"]

    def text_paras(self) -> list[str]:
        return [curl(p) for p in self.paras] if self.curly else list(self.paras)

    def text(self) -> str:
        return "\n\n".join(self.text_paras())


def curl(s: str) -> str:
    """Convert straight quotes to typographic ones (simple, context based)."""
    out: list[str] = []
    openers = set(" \t\n([{—–-/“‘")
    for ch in s:
        prev = out[-1] if out else ""
        if ch == '"':
            out.append("“" if (not prev or prev in openers) else "”")
        elif ch == "'":
            out.append("‘" if (not prev or prev in openers) else "’")
        else:
            out.append(ch)
    return "".join(out)


def _parse_block(lines: list[str]) -> Story:
    sid = lines[0][3:].strip()
    meta: dict = {}
    edits: list[str] = []
    i = 1
    while i < len(lines) and lines[i].strip():
        key, _, value = lines[i].partition(":")
        key, value = key.strip(), value.strip()
        if key == "edit":
            edits.append(value)
        else:
            if key in meta:
                raise ValueError(f"{sid}: duplicate header {key}")
            meta[key] = value
        i += 1
    body = "\n".join(lines[i:]).strip()
    paras = [re.sub(r"\s*\n\s*", " ", p).strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    for req in ("format", "date", "source", "title"):
        if req not in meta:
            raise ValueError(f"{sid}: missing header {req}")
    return Story(id=sid, meta=meta, paras=paras, edits=edits)


def _apply_edits(base: Story, copy: Story) -> list[str]:
    paras = list(base.paras)
    for raw in copy.edits:
        op, _, arg = raw.partition("::")
        op, arg = op.strip(), arg.strip()
        if op == "replace":
            old, _, new = arg.partition("=>")
            old, new = old.strip(), new.strip()
            hits = [k for k, p in enumerate(paras) if old in p]
            if len(hits) != 1 or paras[hits[0]].count(old) != 1:
                raise ValueError(f"{copy.id}: replace target not unique: {old!r}")
            paras[hits[0]] = paras[hits[0]].replace(old, new)
        elif op == "drop":
            hits = [k for k, p in enumerate(paras) if p.startswith(arg)]
            if len(hits) != 1:
                raise ValueError(f"{copy.id}: drop target not unique: {arg!r}")
            del paras[hits[0]]
        elif op == "after":
            prefix, _, new = arg.partition("=>")
            prefix, new = prefix.strip(), new.strip()
            hits = [k for k, p in enumerate(paras) if p.startswith(prefix)]
            if len(hits) != 1:
                raise ValueError(f"{copy.id}: after target not unique: {prefix!r}")
            paras.insert(hits[0] + 1, new)
        elif op == "append":
            paras.append(arg)
        else:
            raise ValueError(f"{copy.id}: unknown edit {op}")
    return paras


def load_stories() -> list[Story]:
    stories: list[Story] = []
    for path in sorted(SOURCE_DIR.glob("*.stories")):
        block: list[str] | None = None
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("=== "):
                if block:
                    stories.append(_parse_block(block))
                block = [line]
            elif block is not None:
                block.append(line)
        if block:
            stories.append(_parse_block(block))
    by_id = {s.id: s for s in stories}
    if len(by_id) != len(stories):
        raise ValueError("duplicate story ids")
    for s in stories:
        if s.copy_of:
            if s.paras:
                raise ValueError(f"{s.id}: copies take their body from copy_of")
            s.paras = _apply_edits(by_id[s.copy_of], s)
    stories.sort(key=lambda s: (s.date, s.id))
    return stories


def parse_rel(story: Story) -> list[tuple[str, str]]:
    out = []
    for item in story.meta.get("rel", "").split(";"):
        if item.strip():
            phrase, _, target = item.partition("=")
            out.append((phrase.strip(), target.strip()))
    return out
