"""Same statement, different words: quotes of one utterance reported by several outlets, linked.

Outlets translate and trim the same words differently ("I consider the objectives … generally
accomplished" / "I think that the tasks … generally fulfilled"), and excerpt them ("main part of our
military group"). Two quotes are one statement when the same person says them and either

- they mean the same (sentence-embedding cosine) *and* share their content words, combined as
  ``(cosine + containment) / 2 >= LINK`` where containment is the share of the shorter quote's content
  words found in the longer one; or
- the shorter is an excerpt of the longer (all its content words, at least three, appear in it).

Linking is transitive (union-find), per speaker: a quote never joins another speaker's statement, and
quotes nobody speaks (scare quotes, titles) are left out.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .features import embed, terms

__all__ = ["LINK", "QuoteRef", "Statement", "link_quotes", "quote_similarity"]

LINK = 0.55
EXCERPT_WORDS = 3


@dataclass(frozen=True)
class QuoteRef:
    doc_id: str
    start: int
    end: int
    text: str
    speaker: str | None

    def to_json(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Statement:
    """One utterance and every quote that reports it (in the order given)."""

    id: str
    speaker: str | None
    quotes: tuple[QuoteRef, ...]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "speaker": self.speaker, "quotes": [q.to_json() for q in self.quotes]}


def _key(speaker: str) -> str:
    return " ".join(speaker.lower().split())


def quote_similarity(a_words: set[str], b_words: set[str], cosine: float) -> tuple[float, bool]:
    """(combined score, is-excerpt) of two quotes from their content words and embedding cosine."""
    small = min(len(a_words), len(b_words))
    if small == 0:
        return 0.0, False
    common = len(a_words & b_words)
    containment = common / small
    excerpt = small >= EXCERPT_WORDS and common == small
    return (cosine + containment) / 2, excerpt


def link_quotes(
    quotes: Sequence[QuoteRef], embedder: Callable[[list[str]], npt.NDArray[np.float32] | None] = embed
) -> list[Statement]:
    """Group quotes into statements; statements with most quotes first, then by first appearance."""
    by_speaker: dict[str, list[int]] = defaultdict(list)
    for i, q in enumerate(quotes):
        if q.speaker:
            by_speaker[_key(q.speaker)].append(i)
    parent = list(range(len(quotes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for idx in by_speaker.values():
        if len(idx) < 2:
            continue
        texts = [quotes[i].text for i in idx]
        words = [set(terms(t)) for t in texts]
        vecs = embedder(texts)
        sims = vecs @ vecs.T if vecs is not None else np.zeros((len(idx), len(idx)))
        for a in range(len(idx)):
            for b in range(a + 1, len(idx)):
                if not words[a] & words[b]:
                    continue
                score, excerpt = quote_similarity(words[a], words[b], float(sims[a, b]))
                if excerpt or score >= LINK:
                    ra, rb = find(idx[a]), find(idx[b])
                    if ra != rb:
                        parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = defaultdict(list)
    for i, q in enumerate(quotes):
        if q.speaker:
            groups[find(i)].append(i)
    out = []
    for members in groups.values():
        first = quotes[members[0]]
        sid = hashlib.sha1(
            f"{first.doc_id}:{first.start}:{first.end}".encode("utf-8", "surrogatepass")
        ).hexdigest()
        out.append(
            (
                -len(members),
                members[0],
                Statement("q" + sid[:12], first.speaker, tuple(quotes[i] for i in members)),
            )
        )
    out.sort(key=lambda x: (x[0], x[1]))
    return [s for _, _, s in out]
