"""The units page anatomy labels: a line of a text page, or a block an HTML reader found."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Block


@dataclass
class Unit:
    """One line or block, with the kind (and owner) the anatomy stage gives it."""

    start: int
    end: int
    text: str
    indent: int = 0
    gap: int = 1  # blank lines before the unit (text input)
    block: Block | None = None
    kind: str | None = None
    outlet: str | None = None
    author: str | None = None
    comment: int | None = None
    split: tuple[int, str, str | None] | None = None  # (offset, kind of the head, outlet of the head)


def units_from_text(text: str) -> list[Unit]:
    units: list[Unit] = []
    prev_end = 0
    for m in re.finditer(r"[^\n]+", text):
        line = m.group()
        stripped = line.strip()
        if not stripped:
            continue
        indent = len(line) - len(line.lstrip())
        start = m.start() + indent
        end = start + len(stripped)
        gap = max(0, text.count("\n", prev_end, start) - 1) if units else 1
        units.append(Unit(start, end, stripped, indent, gap))
        prev_end = end
    return units


def units_from_blocks(text: str, blocks: Sequence[Block]) -> list[Unit]:
    units: list[Unit] = []
    for b in blocks:
        raw = text[b.start : b.end]
        stripped = raw.strip()
        if not stripped:
            continue
        start = b.start + (len(raw) - len(raw.lstrip()))
        units.append(Unit(start, start + len(stripped), stripped, 0, 1, b))
    return units
