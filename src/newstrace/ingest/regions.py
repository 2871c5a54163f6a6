"""Which part of the page each block is (``Block.region``), its comment depth and its group.

Reads the names the DOM walk gave each block's ancestors and the main-text judgement (the article's
extent), so that the anatomy stage can label every part of a page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..urls import site_name
from .dom import Frame, Seg
from .html_vocabulary import vocabulary
from .main_text import Judgement

REGION_OF_CAT = {
    "comments": "comments",
    "nav": "nav",
    "related": "related",
    "aside": "aside",
    "footer": "footer",
    "header": "header",
    "caption": "caption",
    "byline": "byline",
    "dateline": "dateline",
    "time": "time",
}


def ancestors_of(frame: Frame | None) -> set[int]:
    out: set[int] = set()
    f = frame
    while f is not None:
        out.add(id(f))
        f = f.parent
    return out


def block_region(
    seg: Seg, judged: Judgement, above: set[int], related: frozenset[int] = frozenset()
) -> tuple[str | None, int, int | None]:
    """The page part a block sits in, its comment nesting level, and the element grouping it.

    Names on the article's own ancestors are ignored: a wrapper called "page-with-sidebar" that holds
    the article does not make the article an aside. The group is the comment (or figure) element the
    block belongs to, so that the blocks of one comment can be put back together.
    """
    region: str | None = None
    group: int | None = None
    for f in reversed(seg.frames):
        if id(f) in above:
            break
        if f.cat is not None and f.cat != "boiler":
            region = "comments" if f.incom else REGION_OF_CAT[f.cat]
            break
    if region is None:
        for f in seg.frames:
            if f.cat == "comments" and id(f) not in above:
                region = "comments"
                break
    if region == "comments":
        for f in reversed(seg.frames):
            if f.citem:
                group = id(f)
                break
        return region, comment_depth(seg), group
    if region == "caption":
        for f in seg.frames:
            if f.cat == "caption" and id(f) not in above:
                group = id(f)
                break
        return region, 0, group
    if seg.index in related and region != "caption":
        return "related", 0, group
    if region == "nav" and any(f.sig and vocabulary().adjacent_posts.search(f.sig) for f in seg.frames[-4:]):
        return "related", 0, group  # "← Previous post: …", "Next post: … →"
    if region is None and seg.inline_cat is not None:
        region = REGION_OF_CAT[seg.inline_cat]
    if region is None and judged.first <= seg.index <= judged.last:
        region = "main"
    return region, 0, group


def comment_depth(seg: Seg) -> int:
    """Nesting level of the comment holding ``seg``: its markup's "depth-N", else nested containers."""
    items = 0
    children = 0
    for f in reversed(seg.frames):
        if f.cdepth >= 0:
            return f.cdepth
        if f.citem:
            items += 1
        if f.cchildren:
            children += 1
    return max(items - 1, children, 0)


def article_ancestors(judged: Judgement) -> set[int]:
    """The ids of the frames holding the article (container, its ancestors, and the grown scope's).

    Their names are ignored by ``block_region``: they are wrappers of the article, not parts beside it.
    """
    above = ancestors_of(judged.container.parent if judged.container is not None else None)
    if judged.scope is not None:
        above |= ancestors_of(judged.scope)
    if judged.container is not None:
        above.add(id(judged.container))
    return above


_WORD = re.compile(r"[^\W_]+")
_LINKED = 0.4  # share of a block's characters inside links, for a link block
_MIN_ITEMS = 3
_HEADLINE_WORDS = (4, 30)
_TEASER_WORDS = 45
_RUN_GAP_WORDS = 6
_NOT_RELATED = frozenset({"nav", "footer"})


def related_lists(segs: Sequence[Seg], judged: Judgement, url: str | None = None) -> frozenset[int]:
    """Indices of blocks in lists of links to other articles ("Related", "More stories", teasers).

    Whatever their markup is called, such lists show runs of links whose text reads as a headline
    (four words or more, unlike menu items), each perhaps with a date or a teaser under it. Three such
    links outside the article body, menus and footers make a list, unless it sits above the article
    (menus, tickers) or its items are buttons (one template, the site's own name); a short heading
    right above the run is its title.
    """
    site = site_name(url)
    site = site if len(site) >= 4 else ""  # a short name is found inside too many words
    out: set[int] = set()
    run: list[int] = []
    items = gap = 0
    last_link = False

    def close() -> None:
        nonlocal run, items, gap
        while run and gap and run[-1] not in heads:
            run.pop()  # trailing dates and buttons belong to what follows
            gap -= 1
        listed = [segs[i] for i in run if i in heads]
        above = bool(run) and run[-1] < judged.first  # link rows above the article: menus, tickers
        if items >= _MIN_ITEMS and items >= 0.4 * len(run) and not above and not _templated(listed) \
                and not _about_the_site(listed, site):
            first = run[0]
            titled = first > 0 and _is_list_title(segs[first - 1], judged)
            if titled:
                run.insert(0, first - 1)
            if not _site_wide(segs[run[0]] if titled else None, segs[run[1] if titled else run[0]]):
                out.update(run)
        run, items, gap = [], 0, 0

    heads: set[int] = set()
    for s in segs:
        if judged.main[s.index] or any(f.incom or f.cat in _NOT_RELATED for f in s.frames):
            close()
            last_link = False
            continue
        words = len(_WORD.findall(s.text))
        linked = s.link_chars >= _LINKED * len(s.text)  # (a headline may be linked in part)
        if linked and _HEADLINE_WORDS[0] <= words <= _HEADLINE_WORDS[1]:
            run.append(s.index)
            heads.add(s.index)
            items += 1
            gap = 0
            last_link = True
        elif run and last_link and not linked and _RUN_GAP_WORDS < words <= _TEASER_WORDS:
            run.append(s.index)  # the teaser under a headline link
            heads.add(s.index)
            last_link = False
        elif run and words <= _RUN_GAP_WORDS and gap < 2:
            run.append(s.index)  # a date, a source, a "more" link between items
            gap += 1
        else:
            close()
            last_link = False
    close()
    return frozenset(out)


def _is_list_title(seg: Seg, judged: Judgement) -> bool:
    """A short heading above a link list ("Related articles", "Mehr zum Thema")."""
    return (
        not judged.main[seg.index]
        and seg.link_chars < 0.5 * len(seg.text)
        and 1 <= len(_WORD.findall(seg.text)) <= 5
        and (seg.tag in ("h2", "h3", "h4", "h5", "h6", "strong", "b", "span", "div", "p", "li"))
    )


def comment_part(seg: Seg) -> str | None:
    """What a block of one comment shows, by the markup inside the comment item: ``"comment-author"``
    (its writer: "comment-author vcard", itemprop author), ``"comment-date"`` (its time: "comment-meta",
    ``<time>``), ``"comment-actions"`` (its buttons: "reply"), ``"comment-linkback"`` (any block of a
    pingback); else None."""
    v = vocabulary()
    inner: list[Frame] = []
    for f in reversed(seg.frames):
        if f.citem:
            if f.sig and v.comment_linkback.search(f.sig):
                return "comment-linkback"
            break
        inner.append(f)
    else:
        return None  # not inside a comment item
    for f in inner:
        if f.sig and v.comment_actions.search(f.sig):
            return "comment-actions"
        if f.cat == "byline" or (f.sig and v.comment_author.search(f.sig)):
            return "comment-author"
        if f.cat == "time" or f.tag == "time" or (f.sig and v.comment_date.search(f.sig)):
            return "comment-date"
    return "comment-date" if seg.inline_cat == "time" else None


def _site_wide(title: Seg | None, item: Seg) -> bool:
    """A list about the whole site ("Most read", "Trending", "Latest"), not about the article: by its
    title, or by the names of the elements around its first item."""
    v = vocabulary()
    if title is not None and v.site_wide_titles.search(" ".join(title.text.casefold().split())):
        return True
    return any(f.sig and v.site_wide_words.search(f.sig) for f in item.frames[-4:])


def site_wide_lists(segs: Sequence[Seg], regions: Sequence[str | None]) -> list[str | None]:
    """The regions with each "related" run that is about the whole site ("Most read", "Trending",
    "Recent comments") turned into an aside: related links are about the article."""
    out = list(regions)
    i = 0
    while i < len(out):
        if out[i] != "related":
            i += 1
            continue
        j = i
        while j < len(out) and out[j] == "related":
            j += 1
        title = segs[i] if len(_WORD.findall(segs[i].text)) <= 5 else None
        if _site_wide(title, segs[i + 1] if title is not None and i + 1 < j else segs[i]):
            out[i:j] = ["aside"] * (j - i)
        i = j
    return out


def _templated(items: Sequence[Seg]) -> bool:
    """Items made from one template ("Share this with Facebook", "… with Twitter"): buttons, not
    headlines of other articles, which do not share their opening words."""
    openings = [tuple(w.casefold() for w in _WORD.findall(s.text)[:2]) for s in items]
    if not openings:
        return False
    most = max(openings.count(o) for o in set(openings))
    return most >= 0.6 * len(openings)


def _about_the_site(items: Sequence[Seg], site: str) -> bool:
    """Items that name the site itself ("Follow Regards on Twitter", "Subscribe to Regards"): the
    site's own menus and buttons, not other articles."""
    if not site or not items:
        return False
    naming = sum(1 for s in items if site in "".join(_WORD.findall(s.text.casefold())))
    return naming >= 0.5 * len(items)
