"""Real pages bundled with the tests (article-extraction-benchmark and trafilatura-eval), read and
analysed once per test session: tests of single anatomy modules check what they make of real markup."""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

from newstrace.analyze import anatomy_pipeline
from newstrace.ingest.html import read_html
from newstrace.model import Document

FIXTURES = Path(__file__).resolve().parent / "fixtures"
AEB = FIXTURES / "corpora" / "article-extraction-benchmark"
TEV = FIXTURES / "corpora" / "trafilatura-eval"


@cache
def _aeb_urls() -> dict[str, str]:
    truth = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    return {k: v["url"] for k, v in truth.items()}


@cache
def _tev_urls() -> dict[str, str]:
    data = json.loads((TEV / "evaldata.json").read_text(encoding="utf-8"))
    return {v["file"]: url for url, v in data.items()}


def raw_page(name: str) -> tuple[bytes, str, str]:
    """The bytes, id and URL of ``aeb:<id prefix>`` or ``tev:<file name>``."""
    corpus, _, key = name.partition(":")
    if corpus == "aeb":
        full = next(k for k in _aeb_urls() if k.startswith(key))
        raw = gzip.decompress((AEB / "html" / f"{full}.html.gz").read_bytes())
        return raw, full, _aeb_urls()[full]
    if corpus == "tev":
        raw = gzip.decompress((TEV / "html" / f"{key}.gz").read_bytes())
        return raw, key, _tev_urls()[key]
    raise ValueError(name)


@cache
def analysed(name: str) -> Document:
    """The page read as HTML with its URL and run through the anatomy pipeline."""
    raw, doc_id, url = raw_page(name)
    return anatomy_pipeline()(read_html(raw, doc_id=doc_id, source=doc_id, url=url))


@cache
def labels() -> dict[str, dict[str, Any]]:
    """Hand labels (``fixtures/anatomy/labels.json``) by page name (``aeb:<id>`` / ``tev:<file>``)."""
    rows = json.loads((FIXTURES / "anatomy" / "labels.json").read_text(encoding="utf-8"))
    return {f"{r['corpus']}:{r['file'].removesuffix('.html.gz')}": r for r in rows}


def layer_texts(doc: Document, kind: str) -> list[str]:
    return [doc.text[x.start : x.end] for x in doc.layers if x.kind == kind]


def kind_at(doc: Document, snippet: str) -> str:
    """The kind of the layer holding the first occurrence of ``snippet``."""
    at = doc.text.index(snippet)
    return next(x.kind for x in doc.layers if x.start <= at < x.end)


def squash(text: str) -> str:
    """Case-folded, without whitespace: how labels are compared with the text."""
    return "".join(text.casefold().split())


# A short news article, for pages built in a test around it (comments, lists, buttons after it).
BUILT_ARTICLE = """<article><h1>Storm cuts power to thousands across the coast</h1>
<p>A powerful storm knocked out power to more than 40,000 homes and businesses overnight, toppling trees
onto roads and cutting off several towns along the coast, officials said on Wednesday morning.</p>
<p>"We have crews working around the clock," a utility spokeswoman said, adding that most customers
should have power back by the end of the week, weather permitting, and that schools would reopen.</p>
<p>Several school districts cancelled classes for the day, and officials urged residents to stay off
the roads while crews cleared debris and repaired downed lines across the whole region.</p>
</article>"""


def built_page(after: str, title: str = "Storm cuts power to thousands across the coast") -> str:
    """An HTML page holding ``BUILT_ARTICLE`` and then ``after``."""
    head = f"<!doctype html><html><head><title>{title}</title></head>"
    return f"{head}<body>{BUILT_ARTICLE}{after}</body></html>"
