"""A stored document cut into runs the template can show: layers, quotes, entities, copied passages.

Annotations are stand-off spans that may overlap (a quote inside a copied passage, a name inside a
quote), so HTML elements cannot simply nest them. The text is cut at every span boundary into runs that
each carry the set of annotations covering them (as CSS classes), and the things a reader clicks (a
speaker, "copied from …", the anchor an origin is linked at) are separate badges placed where their span
starts. The template only prints fields of these runs, so every character of page text goes through
autoescaping; nothing here builds markup.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import LAYER_KINDS
from .safety import clean, path_part

MAX_COMMENT_DEPTH = 12  # deeper replies are shown at this depth (a page cannot make the tree unbounded)


@dataclass(frozen=True, slots=True)
class Run:
    """One piece of a block: ``text`` (with classes and an optional entity link) or a badge/anchor."""

    t: str  # "text" | "anchor" | "copy" | "speaker"
    text: str = ""
    cls: str = ""
    href: str | None = None
    id: str | None = None
    title: str | None = None


@dataclass(slots=True)
class Block:
    kind: str
    label: str
    start: int
    end: int
    runs: list[Run] = field(default_factory=list)


@dataclass(slots=True)
class CommentNode:
    id: int
    number: str | None
    author: str | None
    start: int
    runs: list[Run] = field(default_factory=list)
    children: list[CommentNode] = field(default_factory=list)


@dataclass(slots=True)
class DocumentView:
    blocks: list[Block]
    comments: list[CommentNode]
    comment_count: int


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    attr: str  # "quote" | "copied" | "source" | "entity"
    href: str | None = None
    title: str | None = None


def entity_href(name: str, key: Callable[[str], str]) -> str:
    return "/entities/" + path_part(key(name) or "-")


def _label(layer: Mapping[str, Any]) -> str:
    parts = [str(layer.get("kind") or "").replace("_", " ")]
    if layer.get("outlet"):
        parts.append(str(layer["outlet"]))
    if layer.get("author"):
        parts.append("by " + str(layer["author"]))
    return clean(" · ".join(parts))


def _int(x: Any, default: int = 0) -> int:
    return x if isinstance(x, int) and not isinstance(x, bool) else default


def layout(
    doc: Mapping[str, Any],
    passages: Sequence[Mapping[str, Any]],
    others: Mapping[str, Mapping[str, Any]],
    key: Callable[[str], str],
) -> DocumentView:
    """The view of ``doc`` (document JSON) with its stored ``passages`` (both directions).

    ``others``: id -> {"title", "outlet"} of the documents passages point to (for badge labels);
    ``key``: an entity name's canonical key (the id in ``/entities/{id}``).
    """
    text: str = doc.get("text") or ""
    n = len(text)
    doc_id = doc.get("id")

    spans: list[_Span] = []
    points: list[tuple[int, int, Run]] = []  # (position, order, badge)
    anchors: set[int] = set()
    quote_anchors: set[int] = set()
    for q in doc.get("quotes") or ():
        s, e = _int(q.get("start")), _int(q.get("end"))
        speaker = q.get("speaker")
        spans.append(_Span(s, e, "quote", title=f"quoted: {clean(speaker)}" if speaker else "quoted"))
        if s not in quote_anchors:
            quote_anchors.add(s)
            points.append((s, 1, Run("anchor", id=f"q{s}")))
        if speaker:
            points.append((s, 3, Run("speaker", text=clean(speaker), href=entity_href(speaker, key))))
    event_anchors = {_int(ev.get("start")) for ev in doc.get("events") or () if isinstance(ev, Mapping)}
    points.extend((s, 0, Run("anchor", id=f"e{s}")) for s in sorted(event_anchors) if 0 <= s < n)
    for ent in doc.get("entities") or ():
        name = ent.get("name")
        if not name:
            continue
        href = entity_href(name, key)
        title = clean(f"{name} ({ent.get('type')})")
        for m in ent.get("mentions") or ():
            spans.append(_Span(_int(m.get("start")), _int(m.get("end")), "entity", href, title))
    for p in passages:
        if p.get("doc_id") == doc_id:
            s, e = _int(p.get("start")), _int(p.get("end"))
            origin = str(p.get("other_id"))
            info = others.get(origin) or {}
            who = info.get("outlet") or info.get("title") or origin
            target = f"/documents/{path_part(origin)}#c{_int(p.get('other_start'))}"
            kind = str(p.get("kind") or "copy")
            verb = "quote shared with" if kind == "shared_quote" else "copied from"
            spans.append(_Span(s, e, "copied", target, clean(f"{verb} {who}")))
            anchors.add(s)
            points.append(
                (
                    s,
                    2,
                    Run(
                        "copy",
                        text=clean(f"{verb} {who}"),
                        href=target,
                        title=clean(str(info.get("title") or origin)),
                        cls=kind,
                    ),
                )
            )
        if p.get("other_id") == doc_id:
            s, e = _int(p.get("other_start")), _int(p.get("other_end"))
            spans.append(_Span(s, e, "source", title="copied by another page"))
            anchors.add(s)
    points.extend((a, 0, Run("anchor", id=f"c{a}")) for a in anchors)

    # The ranges shown: non-comment layers in text order, comments as a tree after them.
    comments_by_id: dict[int, Mapping[str, Any]] = {}
    for c in doc.get("comments") or ():
        cid = c.get("id")
        if isinstance(cid, int) and cid not in comments_by_id:
            comments_by_id[cid] = c
    ranges: list[tuple[int, int, str, str, int | None]] = []  # start, end, kind, label, comment id
    for layer in doc.get("layers") or ():
        kind = str(layer.get("kind"))
        if kind == "comment" and layer.get("comment") in comments_by_id:
            continue
        ranges.append((_int(layer.get("start")), _int(layer.get("end")), kind, _label(layer), None))
    for cid, c in comments_by_id.items():
        ranges.append((_int(c.get("start")), _int(c.get("end")), "comment", "comment", cid))
    ranges = [(max(0, s), min(n, e), k, lab, c) for s, e, k, lab, c in ranges if e > s]
    ranges.sort(key=lambda r: (r[0], r[1]))
    # Text no layer covers (only whitespace on an analysed page): shown, so nothing is hidden.
    filled: list[tuple[int, int, str, str, int | None]] = []
    cursor = 0
    for r in ranges + [(n, n, "", "", None)]:
        if r[0] > cursor and text[cursor : r[0]].strip():
            filled.append((cursor, r[0], "unlabelled", "not in any layer", None))
        if r[1] > r[0]:
            filled.append(r)
        cursor = max(cursor, r[1])
    ranges = filled

    cuts = _cuts(ranges, spans, points, n)
    segs = _segments(cuts, spans)
    seg_starts = [s[0] for s in segs]

    # Each badge goes into the first range that ends after it (badges in gaps move to the next range).
    ends = [r[1] for r in ranges]
    by_range: dict[int, list[tuple[int, int, Run]]] = {}
    for pos, order, run in points:
        i = bisect.bisect_right(ends, pos)
        if i >= len(ranges):
            i = len(ranges) - 1
        if i >= 0:
            by_range.setdefault(i, []).append((max(pos, ranges[i][0]), order, run))

    blocks: list[Block] = []
    nodes: dict[int, CommentNode] = {}
    for i, (s, e, kind, lab, cid) in enumerate(ranges):
        runs = _range_runs(text, s, e, segs, seg_starts, sorted(by_range.get(i, ()), key=lambda x: x[:2]))
        if cid is not None:
            c = comments_by_id[cid]
            nodes[cid] = CommentNode(cid, _opt(c.get("number")), _opt(c.get("author")), s, runs)
        else:
            blocks.append(Block(kind if kind in LAYER_KINDS else "other", lab, s, e, runs))

    # The comment tree, built without recursion: a parent must come earlier (no cycles), depth is capped.
    roots: list[CommentNode] = []
    depth: dict[int, int] = {}
    tree_parent: dict[int, int] = {}
    for cid, c in comments_by_id.items():
        node = nodes.get(cid)
        if node is None:
            continue
        parent = c.get("parent")
        if isinstance(parent, int) and parent in depth:
            holder = parent
            while depth[holder] >= MAX_COMMENT_DEPTH:
                holder = tree_parent[holder]
            nodes[holder].children.append(node)
            tree_parent[cid] = holder
            depth[cid] = depth[holder] + 1
        else:
            roots.append(node)
            depth[cid] = 0
    return DocumentView(blocks, roots, len(nodes))


def _opt(x: Any) -> str | None:
    return clean(str(x)) if x is not None else None


def _cuts(
    ranges: Sequence[tuple[int, int, str, str, int | None]],
    spans: Sequence[_Span],
    points: Sequence[tuple[int, int, Run]],
    n: int,
) -> list[int]:
    cuts = {0, n}
    for r in ranges:
        cuts.update((r[0], r[1]))
    for sp in spans:
        cuts.update((min(max(sp.start, 0), n), min(max(sp.end, 0), n)))
    for pos, _, _ in points:
        cuts.add(min(max(pos, 0), n))
    return sorted(cuts)


_Seg = tuple[int, int, str, str | None, str | None]


def _segments(cuts: Sequence[int], spans: Sequence[_Span]) -> list[_Seg]:
    """Elementary segments ``(start, end, classes, href, title)`` by one sweep over the span boundaries."""
    starts: dict[int, list[_Span]] = {}
    stops: dict[int, list[_Span]] = {}
    for sp in spans:
        if sp.end > sp.start:
            starts.setdefault(sp.start, []).append(sp)
            stops.setdefault(sp.end, []).append(sp)
    active: dict[str, dict[_Span, int]] = {a: {} for a in ("quote", "copied", "source", "entity")}
    out: list[_Seg] = []
    for p, q in zip(cuts[:-1], cuts[1:], strict=True):
        for sp in stops.get(p, ()):
            bucket = active[sp.attr]
            bucket[sp] -= 1
            if not bucket[sp]:
                del bucket[sp]
        for sp in starts.get(p, ()):
            bucket = active[sp.attr]
            bucket[sp] = bucket.get(sp, 0) + 1
        classes = [a for a in ("quote", "copied", "source") if active[a]]
        href = title = None
        if active["entity"]:
            ent = next(reversed(active["entity"]))
            href, title = ent.href, ent.title
            classes.append("entity")
        if active["copied"]:
            title = next(reversed(active["copied"])).title if title is None else title
        elif active["quote"] and title is None:
            title = next(reversed(active["quote"])).title
        out.append((p, q, " ".join(classes), href, title))
    return out


def _range_runs(
    text: str,
    s: int,
    e: int,
    segs: Sequence[_Seg],
    seg_starts: Sequence[int],
    badges: Sequence[tuple[int, int, Run]],
) -> list[Run]:
    runs: list[Run] = []
    bi = 0
    i = bisect.bisect_left(seg_starts, s)
    while i < len(segs) and segs[i][0] < e:
        p, q, cls, href, title = segs[i]
        while bi < len(badges) and badges[bi][0] <= p:
            runs.append(badges[bi][2])
            bi += 1
        piece = clean(text[p : min(q, e)])
        last = runs[-1] if runs else None
        if last is not None and last.t == "text" and (last.cls, last.href, last.title) == (cls, href, title):
            runs[-1] = Run("text", last.text + piece, cls, href, None, title)
        elif piece:
            runs.append(Run("text", piece, cls, href, None, title))
        i += 1
    runs.extend(b[2] for b in badges[bi:])
    return runs
