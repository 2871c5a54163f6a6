"""Where the app gets stories from: the store's stored story pages, read through five methods.

The app only reads stories; they are computed and stored by ``newstrace ingest`` / ``newstrace
stories``. A store that has no story tables yet (ingested with ``--no-stories``), or pages not yet in a
story, read as "no stories" with a note, not as an error.
"""

from __future__ import annotations

import logging
from typing import Protocol

from ..store import DATABASE_ERRORS, Store, StorySummary, StoryView, error_kind

log = logging.getLogger(__name__)


class StoriesProvider(Protocol):
    def stories(self, store: Store, limit: int = 100, offset: int = 0) -> list[StoryView]: ...

    def story_summaries(self, store: Store, limit: int = 100, offset: int = 0) -> list[StorySummary]: ...

    def story(self, store: Store, story_id: str) -> StoryView | None: ...

    def story_of(self, store: Store, doc_id: str) -> str | None: ...

    def unassigned(self, store: Store) -> int | None: ...


class StoredStories:
    """The stories the store holds."""

    def stories(self, store: Store, limit: int = 100, offset: int = 0) -> list[StoryView]:
        return store.stories(limit, offset)

    def story_summaries(self, store: Store, limit: int = 100, offset: int = 0) -> list[StorySummary]:
        return store.story_summaries(limit, offset)

    def story(self, store: Store, story_id: str) -> StoryView | None:
        return store.story(story_id)

    def story_of(self, store: Store, doc_id: str) -> str | None:
        return store.story_of(doc_id)

    def unassigned(self, store: Store) -> int | None:
        return store.unassigned()


class Guarded:
    """Stories whose store errors (story tables this store cannot read) read as "no stories", with a
    note; a request over its budget or a damaged store is still the error it is."""

    def __init__(self, inner: StoriesProvider) -> None:
        self.inner = inner
        self.problem: str | None = None

    def _fail(self, e: Exception) -> None:
        if error_kind(e) in ("interrupted", "damaged"):
            raise e  # the request ran out of its query budget: a 503, not "no stories"
        self.problem = f"stories cannot be read from this store ({e})"
        log.warning("%s", self.problem)

    def stories(self, store: Store, limit: int = 100, offset: int = 0) -> list[StoryView]:
        try:
            found = list(self.inner.stories(store, limit, offset))
        except DATABASE_ERRORS as e:
            self._fail(e)
            return []
        self.problem = None
        return found

    def story_summaries(self, store: Store, limit: int = 100, offset: int = 0) -> list[StorySummary]:
        try:
            found = list(self.inner.story_summaries(store, limit, offset))
        except DATABASE_ERRORS as e:
            self._fail(e)
            return []
        self.problem = None
        return found

    def story(self, store: Store, story_id: str) -> StoryView | None:
        try:
            return self.inner.story(store, story_id)
        except DATABASE_ERRORS as e:
            self._fail(e)
            return None

    def story_of(self, store: Store, doc_id: str) -> str | None:
        try:
            return self.inner.story_of(store, doc_id)
        except DATABASE_ERRORS as e:
            self._fail(e)
            return None

    def unassigned(self, store: Store) -> int | None:
        try:
            return self.inner.unassigned(store)
        except DATABASE_ERRORS as e:
            self._fail(e)
            return None


def default_provider() -> Guarded:
    """The stories the store holds, guarded against stores without readable story tables."""
    return Guarded(StoredStories())
