"""The corpus side of newstrace: what pages share with each other.

Copy detection is a pipeline of small modules, one algorithm each:
``shingles`` (text -> word n-gram hashes with offsets) -> ``minhash`` (window signatures) ->
``lsh`` (incremental candidate index in packed numpy runs) -> ``align`` (passage alignment of a
candidate pair) -> ``reuse`` (:class:`ReuseIndex`: direction, chains, shared quotations,
persistence). Use :class:`ReuseIndex`; the lower modules are public for benchmarks and tools.
"""

from __future__ import annotations

from .align import Match, align
from .lsh import LSHIndex
from .minhash import MinHasher
from .reuse import CandidateIndex, Passage, PassageLSH, ReuseIndex, quote_spans
from .shingles import Tokens, tokenize

__all__ = [
    "CandidateIndex",
    "LSHIndex",
    "Match",
    "MinHasher",
    "Passage",
    "PassageLSH",
    "ReuseIndex",
    "Tokens",
    "align",
    "quote_spans",
    "tokenize",
]
