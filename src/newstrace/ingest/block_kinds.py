"""What a block's ancestors and its text say about it, shared by the main-text judgement's parts."""

from __future__ import annotations

import re

from .dom import Frame, Seg

NOT_MAIN_CATS = frozenset(
    {
        "comments",
        "nav",
        "related",
        "aside",
        "footer",
        "header",
        "caption",
        "byline",
        "dateline",
        "time",
        "boiler",
    }
)
NEVER_MAIN_TAGS = frozenset(
    {"h1", "button", "label", "legend", "option", "textarea", "input", "caption", "figcaption", "title"}
)
SENTENCE_ENDS = (".", "!", "?", "…", '"', "”", "“", "»", "«", ")", "。", "！", "？")


def excluded(seg: Seg, stop: Frame | None = None) -> str | None:
    """The innermost non-main category among the block's ancestors below ``stop``."""
    for f in reversed(seg.frames):
        if f is stop:
            return None
        if f.cat is not None and f.cat in NOT_MAIN_CATS:
            return f.cat
    return None


def excluded_frame(seg: Seg, stop: Frame) -> Frame | None:
    """The innermost ancestor below ``stop`` whose name says it is not body text."""
    for f in reversed(seg.frames):
        if f is stop:
            return None
        if f.cat is not None and f.cat in NOT_MAIN_CATS:
            return f
    return None


_WIDE = re.compile(r"[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def weighted_len(text: str) -> int:
    """Length with CJK characters counted three times: one of them carries about a word."""
    if text.isascii():
        return len(text)
    return len(text) + 2 * len(_WIDE.findall(text))
