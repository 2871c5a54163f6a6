"""Stages that declare what they need and what they add, and a pipeline that checks them before running.

A stage is a pure function ``Document -> Document`` that only adds annotations. Runners (in-process,
multiprocessing, Dask) live elsewhere and know nothing about what a stage does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .errors import PipelineError
from .model import Document

# What every reader provides.
READER_PROVIDES = frozenset({"text", "blocks"})


@dataclass(frozen=True)
class Stage:
    name: str
    func: Callable[[Document], Document]
    needs: frozenset[str]
    adds: frozenset[str]

    def __call__(self, doc: Document) -> Document:
        return self.func(doc)


StageFunc = Callable[[Document], Document]


def stage(name: str, needs: Iterable[str], adds: Iterable[str]) -> Callable[[StageFunc], Stage]:
    """Decorator: turn ``func(doc) -> doc`` into a declared ``Stage``."""

    def wrap(func: Callable[[Document], Document]) -> Stage:
        return Stage(name, func, frozenset(needs), frozenset(adds))

    return wrap


class Pipeline:
    """An ordered list of stages, checked once at construction (the spaCy component lesson)."""

    def __init__(self, stages: Sequence[Stage], provided: Iterable[str] = READER_PROVIDES) -> None:
        have = set(provided)
        for s in stages:
            missing = s.needs - have
            if missing:
                raise PipelineError(f"stage {s.name!r} needs {sorted(missing)}, which no earlier stage adds")
            have |= s.adds
        self.stages = tuple(stages)
        self.adds = frozenset(have)

    def __call__(self, doc: Document) -> Document:
        for s in self.stages:
            doc = s(doc)
        return doc

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.stages]
