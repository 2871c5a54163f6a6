from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newstrace.model import Document

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "demo" / "000_61ee9dba41562d1b.txt"
SHARED = ROOT.parent / "shared"


def seed_wire_records() -> list[dict[str, Any]]:
    """The seed page and the two wire stories it republished, as stand-alone pages published first."""
    text = SEED.read_text(encoding="utf-8")
    rt_start = text.index("Russian President Vladimir Putin has ordered")
    rt_last = "inflicted fundamental damage upon them.”"
    rt_end = text.index(rt_last) + len(rt_last)
    tass_start = text.index("MOSCOW, March 14. /TASS/.")
    tass_end = text.index("the Kremlin said.") + len("the Kremlin said.")
    return [
        {
            "id": "rt-original",
            "outlet": "RT",
            "published": "2016-03-14",
            "url": "https://www.rt.com/news/x",
            "title": "Russian military withdrawal from Syria ordered",
            "text": "Russian military withdrawal from Syria ordered\n\n" + text[rt_start:rt_end],
        },
        {
            "id": "tass-original",
            "outlet": "TASS",
            "published": "2016-03-14",
            "title": "Withdrawal of Russian troops from Syria to begin",
            "text": "Withdrawal of Russian troops from Syria to begin\n\n" + text[tass_start:tass_end],
        },
        {"id": "seed", "published": "2016-03-15", "title": "Republished: withdrawal from Syria",
         "text": text},
    ]


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_doc() -> Document:
    """The seed page read and run through the whole default analysis, once per test session."""
    from newstrace.analyze import analyze_document
    from newstrace.ingest import read_paths

    doc = next(iter(read_paths([str(SEED)], "auto")))
    assert isinstance(doc, Document)
    return analyze_document(doc)
