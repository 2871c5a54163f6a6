"""Which block of an HTML page is its headline: the page's own titles matched against what it shows.

A page states its headline several times: ``og:title``/``twitter:title``, JSON-LD ``headline`` and the
``<title>`` (usually with the site's name around it). The visible headline is the block that best repeats
one of them, an ``<h1>`` or not (older layouts set headlines in bold table cells); failing that the
first ``<h1>``; failing that the ``<title>`` itself, with the site's name cut off. Only the choice is made
here; ``layers`` assigns the kinds.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Block
from ..urls import site_name

_WORD = re.compile(r"[^\W_]+", re.U)
# What sites put between a headline and their name in <title>: "Headline | Site", "Site - Headline".
_SEPARATOR = re.compile(r"\s+[|\-–—:·»/]{1,2}\s+|\s*\|\s*|\s+::\s+")
_NOT_HEADLINE_REGIONS = frozenset({"nav", "footer", "aside", "related", "comments", "caption"})
_MIN_MATCH = 0.6  # word F1 between a block and one of the page's titles
_MAX_WORDS = 40
_STRONG_MATCH = 0.8


@dataclass(frozen=True, slots=True)
class HeadlineChoice:
    """The unit that is the headline; ``cut`` splits off a site name (``head_is_site``: it comes first)."""

    index: int
    cut: int | None = None
    head_is_site: bool = False


def _tokens(s: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(s)]


def _compact(s: str) -> str:
    return "".join(_tokens(s))


def _is_site_name(part: str, host: str) -> bool:
    """A title part that spells the site's host name ("The Guardian" on theguardian.com)."""
    c = _compact(part)
    if len(c) < 4 or not host:
        return False
    # "spiegel" in "Spiegel Online", but not "theguardian" in "The Guardian view on Hong Kong".
    return c in host or (len(host) >= 6 and host in c and len(c) - len(host) <= 8)


def title_variants(titles: Sequence[str], url: str | None = None) -> tuple[list[list[str]], list[list[str]]]:
    """Headline variants of the page's titles (each whole, and each part between separators), and the
    parts that name the site, which a headline must not match better than it matches the headline."""
    host = site_name(url)
    out: list[list[str]] = []
    site: list[list[str]] = []
    wholes = [_tokens(t) for t in titles]
    for k, t in enumerate(titles):
        parts = [p for p in _SEPARATOR.split(t) if p.strip()]
        # "Headline | Site" beside an og:title "Headline": the parts that are not the other title
        # are the site's name, however the host spells it
        repeats = [p for p in parts if any(_tokens(p) == w for j, w in enumerate(wholes) if j != k and w)]
        named = [
            p for p in parts
            if len(parts) > 1 and (_is_site_name(p, host) or (repeats and p not in repeats))
        ]
        site.extend(_tokens(p) for p in named)
        kept = [p for p in parts if p not in named]
        whole = _tokens(" ".join(kept))
        if whole:
            out.append(whole)
        if len(kept) > 1:
            out.extend(toks for p in kept if len(toks := _tokens(p)) >= 2)
    return out, site


def _match(words: list[str], variants: Sequence[Counter[str]]) -> tuple[float, float]:
    """Best word F1 of ``words`` against any title variant, and its precision (share of words in it)."""
    best = (0.0, 0.0)
    have = Counter(words)
    for v in variants:
        common = sum(min(n, v[w]) for w, n in have.items() if w in v)
        if not common:
            continue
        p, r = common / len(words), common / v.total()
        f = 2 * p * r / (p + r)
        if f > best[0]:
            best = (f, p)
    return best


def choose_html_headline(
    texts: Sequence[str],
    blocks: Sequence[Block | None],
    titles: Sequence[str],
    stop: int,
    url: str | None = None,
) -> HeadlineChoice | None:
    """The headline among ``texts[:stop]`` (the units before the comments), or None if the page has none.

    Ties between blocks that repeat the title equally well (breadcrumbs, teasers, the headline itself)
    go to headings, then to the one nearest above the article's first body block. A block that
    repeats the title closely is the headline even where the reader put it in a navigation or caption
    region (page templates name their wrappers freely), or below the body, but any heading above the
    body that matches well enough goes first.
    """
    variant_words, site_words = title_variants(titles, url)
    variants = [Counter(v) for v in variant_words]
    site = [Counter(v) for v in site_words]
    known = {w for v in variant_words for w in v}  # a block sharing none of these cannot match
    mains = [i for i in range(stop) if (b := blocks[i]) is not None and b.main]
    body_start = mains[0] if mains else stop
    body_end = mains[-1] if mains else stop
    best: tuple[float, int] | None = None
    first_h1: int | None = None
    title_unit: int | None = None
    for i in range(stop):
        b = blocks[i]
        if b is None:
            continue
        if b.tag == "title":
            if title_unit is None:
                title_unit = i
            continue
        if b.region == "comments" and i >= body_start:
            continue
        words = _tokens(texts[i])
        if not words or len(words) > _MAX_WORDS:
            continue
        heading = b.tag in ("h1", "h2")
        if b.tag == "h1" and first_h1 is None and len(words) >= 2 and i <= body_start + 3 \
                and b.region not in _NOT_HEADLINE_REGIONS:
            first_h1 = i
        if not variants or known.isdisjoint(words):
            continue
        f, p = _match(words, variants)
        # A heading all of whose words are in the title is the headline the title expands on; an h1
        # above the body that shares half the title's words is one that rephrases it.
        enough = (
            f >= _MIN_MATCH and p >= _MIN_MATCH
            or heading and p >= 0.9 and f >= 0.4
            or b.tag == "h1" and i <= body_start and f >= 0.5
        )
        if not enough or (site and _match(words, site)[0] >= f):
            continue
        score = round(f, 1) + {"h1": 0.25, "h2": 0.08, "h3": 0.04}.get(b.tag, 0.0)
        if b.region in _NOT_HEADLINE_REGIONS:
            # wrappers get named freely: only a close repeat of the title, and not before a heading
            if not (f >= _STRONG_MATCH or heading and p >= 0.9):
                continue
            score -= 0.1
        if i > body_end:
            if not f >= _STRONG_MATCH:
                continue
            score -= 0.3  # the title repeated under the article: a recipe card, a teaser
        elif i > body_start:
            score -= 0.2  # inside the body: a box repeating the title, rarely the headline
        distance = abs(body_start - i) if i <= body_start else 3 + (i - body_start)
        score -= 0.002 * min(distance, 50)
        if best is None or score > best[0]:
            best = (score, i)
    if best is not None:
        return HeadlineChoice(best[1])
    if first_h1 is not None:
        return HeadlineChoice(first_h1)
    if title_unit is not None:
        return _title_without_site(texts[title_unit], title_unit, url)
    return None


def _title_without_site(text: str, index: int, url: str | None) -> HeadlineChoice | None:
    """The ``<title>`` as the headline, its site-name part split off: the part that spells the host,
    else the shorter end part."""
    seps = list(_SEPARATOR.finditer(text))
    if not _tokens(text):
        return None
    if not seps:
        return HeadlineChoice(index)
    first, last = seps[0], seps[-1]
    head, tail = text[: first.start()], text[last.end() :]
    host = site_name(url)
    if _is_site_name(head, host) and not _is_site_name(tail, host):
        return HeadlineChoice(index, cut=first.end(), head_is_site=True)
    if _is_site_name(tail, host) or len(_tokens(tail)) <= len(_tokens(head)):
        return HeadlineChoice(index, cut=last.start(), head_is_site=False)
    return HeadlineChoice(index, cut=first.end(), head_is_site=True)
