"""Whether a line under a picture describes it (a caption) or only credits it ("Photo: Reuters").

The credit words live in ``data/caption_words.json``.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

_MAX_CREDIT_WORDS = 8
_WORD = re.compile(r"[^\W_]+")


@cache
def _credit_line() -> re.Pattern[str]:
    raw = json.loads(resources.files("newstrace").joinpath("data/caption_words.json").read_text("utf-8"))
    leads = sorted(raw["leads"], key=len, reverse=True)
    return re.compile(r"^[\s(\[]*(?:" + "|".join(re.escape(w) for w in leads) + r")(?!\w)", re.I)


def is_picture_credit(text: str) -> bool:
    """A short line that only credits a picture ("Photo: iFixit", "(Image credit: Best Buy)", "© Kak")."""
    flat = " ".join(text.split())
    return len(_WORD.findall(flat)) <= _MAX_CREDIT_WORDS and _credit_line().match(flat) is not None
