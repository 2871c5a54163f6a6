"""Where the app gets stories from: ``newstrace.stories.store`` when it is installed, else nothing.

Stories are built by their own subsystem; the web app only reads them through three functions
(``list_stories``, ``get_story``, ``story_of``). The import is looked up at run time so the app works
(with an empty stories list) in a tree that has no stories subsystem yet, and tests can pass their own.
"""

from __future__ import annotations

import importlib
import logging
import sqlite3
from typing import Any, Protocol

from ..corpus.store import Store

log = logging.getLogger(__name__)


class StoriesProvider(Protocol):
    def list_stories(self, store: Store, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]: ...

    def get_story(self, store: Store, story_id: str) -> dict[str, Any] | None: ...

    def story_of(self, store: Store, doc_id: str) -> str | None: ...


class NoStories:
    """The provider used when no stories subsystem is installed."""

    available = False

    def list_stories(self, store: Store, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        return []

    def get_story(self, store: Store, story_id: str) -> dict[str, Any] | None:
        return None

    def story_of(self, store: Store, doc_id: str) -> str | None:
        return None


class Guarded:
    """A provider whose store errors (e.g. stories not built yet in this store) read as "no stories"."""

    available = True

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.problem: str | None = None

    def _fail(self, e: Exception) -> None:
        self.problem = f"stories are not available in this store ({e})"
        log.warning("%s", self.problem)

    def list_stories(self, store: Store, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        try:
            return list(self.inner.list_stories(store, limit=limit, offset=offset))
        except sqlite3.OperationalError as e:
            self._fail(e)
            return []

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


def default_provider() -> Guarded | NoStories:
    """``newstrace.stories.store`` if it can be imported, else :class:`NoStories`."""
    try:
        module = importlib.import_module("newstrace.stories.store")
    except ModuleNotFoundError as e:
        if e.name in ("newstrace.stories", "newstrace.stories.store"):
            return NoStories()
        raise
    return Guarded(module)
