"""Readers: bytes from files, folders, JSON Lines and WARC archives become ``Document`` objects.

Public surface (kept small on purpose):
- ``read_paths(paths, format="auto")`` yields a ``Document`` or an ``InputError`` per input item, so a
  batch can record failures and go on;
- ``read_bytes(data, source, format="auto")`` reads one in-memory input.
"""

from __future__ import annotations

# Filled in by the readers module; re-exported here as the package's public surface.
from .readers import FORMATS, MAX_INPUT_BYTES, read_bytes, read_paths

__all__ = ["FORMATS", "MAX_INPUT_BYTES", "read_bytes", "read_paths"]
