"""Format detection and dispatch (placeholder until the readers land: text only)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import InputError
from ..model import Document
from .text import read_text

FORMATS = ("auto", "text", "html", "jsonl", "warc")
MAX_INPUT_BYTES = 20 * 1024 * 1024


def read_bytes(data: bytes, source: str, format: str = "auto") -> list[Document]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(source, f"not UTF-8 ({e})") from e
    return [read_text(text, doc_id=Path(source).stem, source=source)]


def read_paths(paths: Iterable[str], format: str = "auto") -> Iterator[Document | InputError]:
    for p in paths:
        try:
            yield from read_bytes(Path(p).read_bytes(), p, format)
        except InputError as e:
            yield e
        except OSError as e:
            yield InputError(p, e.strerror or str(e))
