"""Run the per-document analysis in this process or in a pool of worker processes.

spaCy gains little from its own ``n_process`` here (1.1-1.2x on two cores), so whole documents go to
worker processes instead: each worker loads the model once and runs every stage. The pool is supervised
(``pool.py``): a worker that dies costs its page, not the run. Results come back in
input order; the parse is dropped before a document crosses the process boundary (it is large and
everything derived from it is already stand-off).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

from ..analyze import analyze_document, anatomy_pipeline
from ..errors import InputError
from ..model import Document
from .pool import SupervisedPool

Item = Document | InputError


def _analyze_one(item: Item) -> Item:
    if isinstance(item, InputError):
        return item
    try:
        return replace(analyze_document(item), parse=None)
    except Exception as e:  # one bad page must not stop a batch
        return InputError(item.source or item.id, f"analysis failed: {type(e).__name__}: {e}")


def _anatomy_one(item: Item) -> Item:
    if isinstance(item, InputError):
        return item
    try:
        return anatomy_pipeline()(item)
    except Exception as e:  # one bad page must not stop a batch
        return InputError(item.source or item.id, f"analysis failed: {type(e).__name__}: {e}")


def analyzer(full: bool = True) -> Callable[[Item], Item]:
    """The per-item function for a runner: every stage, or only those that need no language model."""
    return _analyze_one if full else _anatomy_one


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def analyze_stream(
    items: Iterable[Item],
    workers: int = 1,
    *,
    chunksize: int = 4,
    analyze: Callable[[Item], Item] = _analyze_one,
) -> Iterator[Item]:
    """Analyse documents (passing ``InputError`` items through), in input order."""
    if workers <= 1:
        for item in items:
            yield analyze(item)
        return
    with SupervisedPool(analyze, workers, in_flight=chunksize * workers) as pool:
        yield from pool.map(items, on_death=_died)


def _died(item: Item, reason: str) -> Item:
    """What stands in the place of a page that killed its workers."""
    if isinstance(item, InputError):
        return item
    return InputError(item.source or item.id, reason)
