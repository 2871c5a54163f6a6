"""Which part of the page each block is (``Block.region``), its comment depth and its group.

Reads the names the DOM walk gave each block's ancestors and the main-text judgement (the article's
extent), so that the anatomy stage can label every part of a page.
"""

from __future__ import annotations

from .dom import Frame, Seg
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


def block_region(seg: Seg, judged: Judgement, above: set[int]) -> tuple[str | None, int, int | None]:
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
