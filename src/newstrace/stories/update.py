"""Bringing a store's stories up to date: assign new pages online, then render the changed stories.

Pages are assigned in publication order (the page's own date), then ingest order. The clusterer's
state is saved in the store after every batch in the same transaction as the rows it produced, so an
interrupted update leaves a consistent store and a rerun carries on; a rerun with nothing new writes
nothing. Every story whose pages changed is then rendered (``render``: events, statements,
comparison) and stored as its page, so that reading a story never computes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from tqdm import tqdm

from ..store import Store, StoryAssignment
from .cluster import Model, StoryClusterer
from .features import content_text, document_date, extract_many
from .render import render_stories

__all__ = ["UpdateReport", "assignment_order", "update_stories"]

BATCH = 512


@dataclass
class UpdateReport:
    assigned: int = 0
    moved: int = 0  # pages already assigned whose story changed (stories that merged or split)
    stories: int = 0
    rebuilt: bool = False
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.assigned} pages assigned, {self.moved} moved, {self.stories} stories"
            + (" (rebuilt)" if self.rebuilt else "")
            + f" in {self.seconds:.1f} s"
        )


def _load_state(store: Store, model: Model | None) -> StoryClusterer | None:
    blob = store.stories_state()
    if blob is None:
        return None
    try:
        return StoryClusterer.from_bytes(blob, model)
    except ValueError:
        return None


def assignment_order(dates: Sequence[str | None]) -> list[int]:
    """Indexes of pages (given in ingest order) in the order they are assigned: publication order.

    A page without a date keeps its place among the pages ingested around it: it sorts with the last
    dated page ingested before it (ingest order is the best guess of when an undated page appeared).
    """
    keys = []
    last = ""
    for i, d in enumerate(dates):
        if d:
            last = d
        keys.append((d or last, i))
    return [i for _, i in sorted(keys)]


def _pending(store: Store) -> list[tuple[str, int, str, str]]:
    """(date or "", seq, id, content hash) of stored pages not yet assigned, in assignment order."""
    out = []
    for p in store.pending_for_stories():
        date = document_date(p.data) if p.data is not None else document_date({"published": p.published})
        out.append((date or "", p.seq, p.doc_id, p.content_hash))
    return [out[i] for i in assignment_order([r[0] or None for r in out])]


def update_stories(
    store: Store,
    *,
    rebuild: bool = False,
    model: Model | None = None,
    progress: bool = False,
) -> UpdateReport:
    """Assign every stored page not yet in a story, online, in publication then ingest order, then
    render every story whose pages changed (or that has no stored page yet).

    Idempotent and incremental: pages already assigned are not scored again, and a rerun with nothing
    new changes nothing. ``rebuild`` starts from scratch (also done when a page changed since it was
    assigned).
    """
    started = time.perf_counter()
    report = UpdateReport()
    clusterer = None if rebuild else _load_state(store, model)
    assigned = store.stories_assigned()
    if clusterer is None or len(clusterer) != assigned or (assigned and store.stories_stale()):
        if assigned or clusterer is not None or rebuild:
            report.rebuilt = True
        store.reset_stories()
        clusterer = StoryClusterer(model)
    pending = _pending(store)
    if pending:
        _assign(store, clusterer, pending, report, progress)
    render_stories(store, progress=progress)
    report.stories = len(clusterer.stories)
    report.seconds = time.perf_counter() - started
    return report


def _assign(
    store: Store,
    clusterer: StoryClusterer,
    pending: Sequence[tuple[str, int, str, str]],
    report: UpdateReport,
    progress: bool,
) -> None:
    before = {d: clusterer.story_of(d) for d in clusterer.doc_thread}
    bar = tqdm(total=len(pending), unit="page", desc="stories", disable=not progress, smoothing=0.1)
    rows: list[StoryAssignment] = []
    saved_at, save_cost = time.perf_counter(), 0.0
    for k in range(0, len(pending), BATCH):
        chunk = pending[k : k + BATCH]
        found = [(store.get(r[2]), r) for r in chunk]
        todo = [(data, r) for data, r in found if data is not None]
        feats = extract_many([data for data, _ in todo])
        for (data, (date, _, doc_id, digest)), f in zip(todo, feats, strict=True):
            position = len(clusterer)
            a = clusterer.add_features(f, store.copy_links(doc_id))
            _, title, _ = content_text(data)
            rows.append(
                StoryAssignment(
                    doc_id,
                    a.story,
                    a.thread,
                    position,
                    date or None,
                    title[:300] or data.get("title"),
                    digest,
                    json.dumps(a.explanation(), ensure_ascii=False),
                )
            )
        bar.update(len(chunk))
        # The state grows with the store (about 3 kB a page): it is saved, with the rows assigned since
        # the last save, when the time since then is at least four times what the last save cost, so
        # saving stays under a fifth of the run however large the store; and always at the end.
        last = k + BATCH >= len(pending)
        if last or time.perf_counter() - saved_at >= 4 * save_cost:
            t0 = time.perf_counter()
            after, moved = _save(store, clusterer, rows, before)
            report.assigned += len(rows)
            report.moved += len(moved)
            before, rows = after, []
            saved_at = time.perf_counter()
            save_cost = saved_at - t0
    bar.close()


def _save(
    store: Store,
    clusterer: StoryClusterer,
    rows: list[StoryAssignment],
    before: dict[str, str | None],
) -> tuple[dict[str, str | None], list[tuple[str, str, int]]]:
    """Write the pages assigned since the last save, the pages that moved, their stories and the state,
    in one transaction; returns (story of every page now, (story, page, thread) of those that moved)."""
    after = {d: clusterer.story_of(d) for d in clusterer.doc_thread}
    # threads merged into others keep their pages' rows pointing at the surviving thread
    moved = [
        (str(s), d, clusterer.doc_thread_root(d)) for d, s in after.items() if d in before and before[d] != s
    ]
    # a page assigned since the last save may have moved since (later pages regrouped its story):
    # it is written where it ended up, and the story it left is rewritten too
    opened = {r.story_id for r in rows}
    rows = [
        replace(r, story_id=str(after[r.doc_id]), thread=clusterer.doc_thread_root(r.doc_id)) for r in rows
    ]
    touched = (
        opened
        | {r.story_id for r in rows}
        | {s for s, _, _ in moved if s}
        | {str(before[d]) for _, d, _ in moved if before[d]}
    )
    store.save_story_assignments(rows, moved, sorted(touched), clusterer.to_bytes())
    return after, moved
