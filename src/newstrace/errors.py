"""Errors that name the input they came from, so a batch can record them and go on."""

from __future__ import annotations


class NewstraceError(Exception):
    """Base class for every error newstrace raises on purpose."""


class InputError(NewstraceError):
    """An input that cannot be read or analysed. ``str()`` is one line: ``SOURCE: REASON``."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str]]:
        # Errors cross process boundaries (worker pools): rebuild from both fields.
        return (InputError, (self.source, self.reason))


class PipelineError(NewstraceError):
    """A pipeline whose stages' needs are not met by the stages before them."""


class StoreError(NewstraceError):
    """A store that cannot be opened, read or written. ``str()`` is one line naming the store and what
    to do about it (a missing folder, a read-only folder, a damaged file, a newer schema)."""


class StoreBusy(StoreError):
    """Another process is writing the store: one writer at a time, refused at once rather than queued."""
