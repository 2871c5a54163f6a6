"""Where the app gets stories from: ``newstrace.stories.store``, read through three functions.

The app only reads stories (``list_stories``, ``get_story``, ``story_of``); they are computed by
``newstrace ingest`` / ``newstrace stories``. A store that has no story tables yet (ingested with
``--no-stories``), or pages not yet in a story, read as "no stories" with a note, not as an error.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any, Protocol

from ..corpus.store import Store
from ..stories import store as stories_store

log = logging.getLogger(__name__)


class StoriesProvider(Protocol):
    def list_stories(
        self, store: Store, limit: int = 100, offset: int = 0, *, detail: bool = True
    ) -> list[dict[str, Any]]: ...

    def get_story(self, store: Store, story_id: str) -> dict[str, Any] | None: ...

    def story_of(self, store: Store, doc_id: str) -> str | None: ...

    def unassigned(self, store: Store) -> int | None: ...


class Guarded:
    """Stories whose store errors (no story tables in this store) read as "no stories", with a note."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.problem: str | None = None

    def _fail(self, e: sqlite3.OperationalError) -> None:
        if "interrupted" in str(e):
            raise e  # the request ran out of its query budget: a 503, not "no stories"
        self.problem = f"stories cannot be read from this store ({e})"
        log.warning("%s", self.problem)

    def list_stories(
        self, store: Store, limit: int = 100, offset: int = 0, *, detail: bool = True
    ) -> list[dict[str, Any]]:
        try:
            found = list(self.inner.list_stories(store, limit=limit, offset=offset, detail=detail))
        except sqlite3.OperationalError as e:
            self._fail(e)
            return []
        self.problem = None
        return found

    def get_story(self, store: Store, story_id: str) -> dict[str, Any] | None:
        try:
            story = self.inner.get_story(store, story_id)
        except sqlite3.OperationalError as e:
            self._fail(e)
            return None
        return None if story is None else dict(story)

    def story_of(self, store: Store, doc_id: str) -> str | None:
        try:
            found = self.inner.story_of(store, doc_id)
        except sqlite3.OperationalError as e:
            self._fail(e)
            return None
        return None if found is None else str(found)


    def unassigned(self, store: Store) -> int | None:
        try:
            found = self.inner.unassigned(store)
        except sqlite3.OperationalError as e:
            self._fail(e)
            return None
        return None if found is None else int(found)


def default_provider() -> Guarded:
    """The stories subsystem of this package, guarded against stores without story tables."""
    return Guarded(stories_store)
