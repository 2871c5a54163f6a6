"""newstrace: take news pages apart with character-exact evidence.

The public API (everything else is private and may change)::

    import newstrace

    doc = newstrace.analyze(html, url="https://example.org/story")   # one page in memory
    for doc in newstrace.read("crawl.warc.gz"):                        # files, folders, records, WARC
        print(doc.title, [q.speaker for q in doc.quotes])
    with newstrace.open_store("news.db") as store:                     # a store of analysed pages
        store.ingest(["pages/"])
        hits = store.search("withdrawal", since="2016-03")

A :class:`Document` is one normalised text and stand-off annotations (layers, credits, comments,
quotes, entities, dates, events), each a pair of offsets into ``Document.text``; ``to_json()`` and
``Document.from_json()`` convert it to and from the ``newstrace.document/1`` JSON the CLI prints.
"""

from __future__ import annotations

# The submodule ``newstrace.analyze`` (the pipeline) is imported first, so that importing it later
# (``from newstrace.analyze import ...``) cannot rebind the name ``analyze`` to it: the function wins.
from . import analyze as _pipeline_module  # noqa: F401
from ._api import Store, analyze, open_store, read
from .errors import InputError, NewstraceError, StoreError
from .model import Document

__version__ = "0.1.0"

__all__ = [
    "Document",
    "InputError",
    "NewstraceError",
    "Store",
    "StoreError",
    "__version__",
    "analyze",
    "open_store",
    "read",
]
