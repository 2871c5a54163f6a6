"""Which blocks of a page are the article body: its container, how far it extends, what is dropped.

1. Paragraph-like blocks score for their parent and grandparent (as readability does); the best
   container wins, weighed by link density, by names, and by where the page's headline is.
2. The body grows into sibling containers when an article is split (by ads, figures, "chunks") until
   something that ends an article (related links, comments, an author box) is met.
3. Inside, boilerplate parts, the headline, link lists and short datelines at the edges are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from ..errors import InputError
from .block_kinds import NEVER_MAIN_TAGS, NOT_MAIN_CATS, excluded, excluded_frame, weighted_len
from .dom import GENERIC, HEADINGS, Frame, Seg, parse, segments, tags
from .main_parts import add_intro, add_lead, add_seconds, add_twins, drop_furniture, drop_lead_ins
from .page_meta import article_body, page_title

_PARA_TAGS = tags("p div td blockquote pre section dd article li font span center body main dl")
_WORD = re.compile(r"\w+")
_SUSPECT_LEVELS = 4


def _suspect(seg: Seg) -> bool:
    """A non-main category close above the block (far-up matches are usually page-wide wrappers)."""
    fr = seg.frames
    for k in range(len(fr) - 1, max(-1, len(fr) - 1 - _SUSPECT_LEVELS), -1):
        c = fr[k].cat
        if c is not None and c in NOT_MAIN_CATS:
            return True
    return False


def _penalty(f: Frame) -> float:
    """How much a candidate container's own name, or its near ancestors', says "not the article"."""
    g: Frame | None = f
    for _ in range(4):
        if g is None:
            break
        if g.cat is not None and g.cat in NOT_MAIN_CATS:
            return 0.2 if g is f or g.cat in ("comments", "related", "nav") else 0.5
        g = g.parent
    return 1.0


def _headline(segs: list[Seg], title: str | None) -> int:
    """Index of the block that is the page's headline (an h1, else h2, that matches the title), or -1."""
    tt = {w.lower() for w in _WORD.findall(title)} if title else set()
    best = {"h1": (0.0, -1), "h2": (0.0, -1)}
    first_h1 = -1
    for s in segs:
        if s.tag != "h1" and s.tag != "h2":
            continue
        toks = [w.lower() for w in _WORD.findall(s.text)]
        if not toks:
            continue
        if first_h1 < 0 and s.tag == "h1" and len(toks) >= 3 and excluded(s) not in _PAGE_PARTS:
            first_h1 = s.index
        if tt and len(toks) >= 2:
            common = sum(1 for w in toks if w in tt)
            sim = common / len(toks)
            if common >= 0.3 * len(tt) and sim > best[s.tag][0]:
                best[s.tag] = (sim, s.index)
    if best["h1"][0] >= 0.5:
        return best["h1"][1]
    if best["h2"][0] >= 0.7:
        return best["h2"][1]
    return first_h1


@dataclass(slots=True)
class Judgement:
    """Where the extractor found the article: its container, the span it grew to, and the body blocks."""

    main: list[bool]
    container: Frame | None = None
    scope: Frame | None = None
    lo: int = 0
    hi: int = -1
    head: int = -1
    first: int = 0  # the article's whole extent (its <article>/<main> element, headline included)
    last: int = -1


# Names that an article element can wear by accident ("js-post-gallery", "node-promoted", "has-author"):
# an <article>/<main> or body-named element holding several paragraphs is not a caption or a teaser.
_SOFT_CATS = frozenset({"caption", "byline", "dateline", "time", "related", "header", "aside"})
_ARTICLE_TAGS = frozenset({"article", "main"})
_NEVER_LONG = frozenset({"header", "caption"})  # no element of these holds several paragraphs of prose
_ARTICLE_PARAS = 3
_ARTICLE_CHARS = 400


def _unname_articles(paras: list[tuple[Seg, int]]) -> None:
    """Clear the soft page-part name of article elements that hold an article's worth of paragraphs."""
    counts: dict[int, list[int]] = {}
    named: dict[int, Frame] = {}
    for s, nl in paras:
        for f in s.frames:
            if f.cat in _SOFT_CATS and (f.hint or f.tag in _ARTICLE_TAGS or f.cat in _NEVER_LONG):
                c = counts.setdefault(id(f), [0, 0])
                c[0] += 1
                c[1] += nl
                named[id(f)] = f
    for key, (k, chars) in counts.items():
        if k >= _ARTICLE_PARAS and chars >= _ARTICLE_CHARS:
            named[key].cat = None


_HEADER_SEGS = 12


def _unname_article_header(segs: list[Seg], head: int) -> None:
    """The header around the headline is the article's own (kicker, standfirst), not the site's header.

    A site header holds navigation; an article's ``<header>`` holds a few blocks: the headline, its
    teaser paragraph, a byline and a date (which keep their own names).
    """
    for f in reversed(segs[head].frames):
        if f.cat != "header":
            continue
        if f.last - f.first < _HEADER_SEGS and not any(
            excluded(segs[i], f) in _PAGE_PARTS for i in range(f.first, f.last + 1)
        ):
            f.cat = None
        return


def select(segs: list[Seg], title: str | None = None) -> Judgement:
    """Judge which blocks are the article body: find the body's container, then drop boilerplate in it."""
    n = len(segs)
    good = [0.0] * n
    paras: list[tuple[Seg, int]] = []
    for s in segs:
        ln = len(s.text)
        nl = weighted_len(s.text) - s.link_chars
        if nl < 25 or s.link_chars > 0.35 * ln or s.tag not in _PARA_TAGS:
            continue
        paras.append((s, nl))
    _unname_articles(paras)
    head = _headline(segs, title)
    if head >= 0:
        _unname_article_header(segs, head)
    for s, nl in paras:
        w = 1.0 + s.text.count(",") + s.text.count("，") + min(nl / 100.0, 3.0)
        if s.tag == "li":
            w *= 0.5
        if _suspect(s):
            w *= 0.1
        good[s.index] = w
        fr = s.frames
        k = len(fr) - 1
        if k >= 0 and (fr[k].tag not in GENERIC or fr[k].first == fr[k].last):
            k -= 1  # a block that is a paragraph of its own scores for its parent
        for share in (1.0, 0.5, 1 / 3):
            if k < 0:
                break
            fr[k].good += w * share
            k -= 1
    cands: dict[int, Frame] = {}
    arts: dict[int, Frame] = {}
    for s in segs:
        for f in s.frames:
            if f.good > 0:
                cands[id(f)] = f
            if f.tag == "article" and f.good > 0:
                arts[id(f)] = f
    if not cands:
        return Judgement([False] * n)
    for a in arts.values():
        up = a.parent
        while up is not None:
            up.articles += 1
            up = up.parent
    first_good_after_head = next((i for i in range(head + 1, n) if good[i] >= 1.0), n) if head >= 0 else n

    def score(f: Frame) -> float:
        sc = f.good * (1.0 - f.link_chars / max(f.chars, 1)) * _penalty(f)
        if f.hint:
            sc *= 1.25
        if f.articles >= 2:
            sc *= 0.3  # a list of posts, not a post
        if head >= 0:
            if f.last < head:
                sc *= 0.3
            elif f.first <= head or first_good_after_head >= f.first:
                sc *= 1.5  # holds the headline, or the first paragraph after it
        first = segs[f.first]
        if first.tag in HEADINGS and first.frames[-1].cat == "related":
            sc *= 0.2  # a "related stories" box that starts with its own heading
        return sc

    scored = sorted(((score(f), f) for f in cands.values()), key=lambda x: x[0], reverse=True)
    best_score, best = scored[0]
    lo, hi, scope = _extend(segs, best, head, good)
    main = _filter(segs, scope, lo, hi, head, good)
    add_twins(segs, best, lo, hi, good, main)
    add_seconds(segs, scored, best_score, scope, lo, hi, good, main)
    add_lead(segs, best, head, lo, good, main)
    add_intro(segs, best, head, lo, main)
    drop_furniture(segs, main)
    drop_lead_ins(segs, main)
    first, last = lo, hi
    g: Frame | None = best
    for _ in range(6):
        if g is None or g.tag in ("body", "html"):
            break
        if g.tag == "article" or g.tag == "main":
            first, last = min(first, g.first), max(last, g.last)
            break
        g = g.parent
    return Judgement(main, best, scope, lo, hi, head, first, last)


_STOP_CATS = frozenset({"related", "comments", "footer", "nav"})
_EXTEND_LEVELS = 5
_PAGE_PARTS = frozenset({"nav", "header", "footer"})
_PAGE_TAIL = frozenset({"nav", "footer"})


def _extend(segs: list[Seg], best: Frame, head: int, good: list[float]) -> tuple[int, int, Frame]:
    """Grow the body past its container when more of it follows in sibling containers (split by ads).

    Walks the blocks after (and before) the container inside an ancestor a few levels up, and takes
    them up to the last paragraph-like block met before anything that ends an article (a related
    list, comments, a footer, an author box, a run of links).
    """
    scope = best
    for _ in range(_EXTEND_LEVELS):
        p = scope.parent
        if p is None or p.tag in ("body", "html") or (p.cat is not None and p.cat in NOT_MAIN_CATS):
            break
        # a page-level wrapper (it holds the site's menus or footer) is too wide to grow into
        # (a "header" after the article is some widget's heading, not the site's header)
        before = range(p.first, scope.first)
        after = range(scope.last + 1, p.last + 1)
        if any(excluded(segs[i], p) in _PAGE_PARTS for i in before) or any(
            excluded(segs[i], p) in _PAGE_TAIL for i in after
        ):
            break
        scope = p
    if scope is best:
        return best.first, best.last, best

    def walk(rng: range) -> int:
        reach = -1
        links = 0
        for i in rng:
            s = segs[i]
            ex = excluded_frame(s, scope)
            if ex is not None:
                if ex.cat in _STOP_CATS and (ex.chars >= 40 or s.tag in HEADINGS):
                    break  # a related box, comments, an author box: the article is over
                continue
            if s.link_chars > 0.3 * len(s.text):
                links += 1
                if links >= 3:
                    break
                continue
            links = 0
            if good[i] >= 1.0:
                reach = i
        return reach

    hi = best.last
    r = walk(range(best.last + 1, scope.last + 1))
    if r >= 0:
        hi = r
    lo = best.first
    floor = max(scope.first, head + 1) if head >= 0 else scope.first
    r = walk(range(best.first - 1, floor - 1, -1))
    if r >= 0:
        lo = r
    if lo == best.first and hi == best.last:
        return lo, hi, best
    return lo, hi, scope


def _filter(segs: list[Seg], scope: Frame, lo: int, hi: int, head: int, good: list[float]) -> list[bool]:
    """The blocks in ``lo..hi`` that are body text: no boilerplate parts, headline, or link lists."""
    main = [False] * len(segs)
    start = lo
    if start <= head <= hi and not any(good[start:head]):
        start = head + 1  # kickers and breadcrumbs above the headline
    for i in range(start, hi + 1):
        s = segs[i]
        if s.tag in NEVER_MAIN_TAGS or excluded(s, scope) is not None:
            continue
        ln = len(s.text)
        if s.link_chars > 0.8 * ln:
            continue
        main[i] = True
    # trim short non-paragraph blocks at both ends (tools, datelines, sign-offs)
    idx = [i for i in range(len(segs)) if main[i]]
    for order in (idx, idx[::-1]):
        for i in order:
            t = segs[i].text
            if len(t) < 80 and _DATELIKE.search(t) is not None and not t.endswith((".", "。")):
                main[i] = False
                continue
            if good[i] > 0 or (segs[i].tag in HEADINGS and order is idx):
                break
            if weighted_len(t) >= 100:
                break
            main[i] = False
    return main


# A dateline or timestamp: a year, a clock time or a numeric date.
_DATELIKE = re.compile(r"\b(?:19|20)\d\d\b|\b\d{1,2}:\d\d\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b")


@dataclass(slots=True)
class Reading:
    """The page's blocks and their judgement, and the JSON-LD article body when the page shows none."""

    segs: list[Seg]
    judged: Judgement
    appended: str | None = None


def read_body(root: etree._Element, title: str | None) -> Reading:
    """Blocks and body judgement, with two fallbacks for pages whose visible text holds no body.

    1. Pages that render with scripts keep their text for script-less readers in ``<noscript>``: it is
       read when the visible walk found no body there.
    2. The page's JSON-LD ``articleBody`` is evidence of what the body is: the blocks that are pieces of
       it become the body when they cover at least half of it; otherwise (the text is only in the
       structured data) it is given as ``appended``, which ``read_html`` adds as a last block with tag
       ``"articleBody"``: text of the page's source, not of its visible part.
    """
    segs = segments(root)
    judged = select(segs, title)
    if any(judged.main):
        return Reading(segs, judged)
    if root.find(".//noscript") is not None:
        alt = segments(root, noscript=True)
        alt_judged = select(alt, title)
        if any(alt_judged.main):
            return Reading(alt, alt_judged)
    body = article_body(root)
    if body is None:
        return Reading(segs, judged)
    marks = _locate(segs, body)
    if marks is not None:
        judged.main = marks
        return Reading(segs, judged)
    return Reading(segs, judged, body)


def _locate(segs: list[Seg], body: str) -> list[bool] | None:
    """The blocks whose text is part of ``body``, when together they cover at least half of it."""
    flat = " ".join(body.split())
    marks = [False] * len(segs)
    covered = 0
    for s in segs:
        t = " ".join(s.text.split())
        if len(t) >= 20 and s.tag not in NEVER_MAIN_TAGS and t in flat:
            marks[s.index] = True
            covered += len(t)
    return marks if covered >= 0.5 * len(flat) else None


def extract_main_text(html: str) -> str:
    """The article body only (no headline, navigation, related links, comments or footer).

    The same judgement ``read_html`` records as ``Block.main`` (the JSON-LD body it appends included);
    an empty or unreadable page has no body and gives ``""``.
    """
    try:
        root = parse(html, "<html>")
    except InputError:
        return ""
    reading = read_body(root, page_title(root))
    parts = [s.text for s, m in zip(reading.segs, reading.judged.main, strict=True) if m]
    if reading.appended is not None:
        parts.append(reading.appended)
    return "\n\n".join(parts)
