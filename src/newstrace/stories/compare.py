"""How the tellings of one story differ: who reports it, who copied whom, who owns them, who left what out.

A *report* is one outlet's telling: a page, or each section of a page credited to another outlet (a site
that republishes an RT story and a TASS story carries two reports). Per story:

- ``outlets``: every outlet with the pages that carry it, and its ownership as the registry records it
  (``owned`` / ``affiliated`` by a state, or null);
- ``copies``: pages whose passages were copied from another page (the copy index, chain-resolved);
- ``independent_reports``: reports that are neither copies (half or more of the page's body copied) nor
  from an owner already counted (registry ``owner``, else the outlet itself; a page of unknown outlet
  counts on its own);
- ``omissions``: per page, the statements (linked quotes) and entities that most other pages of the story
  carry (at least half of them, at least one) and this page lacks; ``exclusive``: what only this page
  carries. ``reports`` gives the same per report, so two tellings on one page can be compared too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..analysis.outlets import Outlet, registry
from .statements import Statement

__all__ = ["Copy", "Page", "compare"]

COPY_SHARE = 0.5
_ENTITY_TYPES = frozenset({"person", "organization", "place", "group"})


@dataclass
class Page:
    """What comparison needs of one stored page."""

    id: str
    outlet: str | None
    url: str | None
    body: list[tuple[int, int, str | None]]  # body sections: (start, end, credited outlet)
    entities: list[tuple[str, str, list[int]]] = field(default_factory=list)  # (name, type, mention starts)


@dataclass(frozen=True)
class Copy:
    doc_id: str
    origin_id: str
    chars: int  # characters of ``doc_id`` copied from ``origin_id``


def _outlet(name: str | None, url: str | None = None) -> tuple[str | None, Outlet | None]:
    reg = registry()
    o = reg.lookup(name) if name else None
    if o is None and url:
        o = reg.by_domain(url)
    if o is not None:
        return o.id, o
    return name, None


@dataclass
class _Unit:
    doc_id: str
    outlet: str | None
    entry: Outlet | None
    spans: list[tuple[int, int]]
    statements: set[str] = field(default_factory=set)
    entities: set[str] = field(default_factory=set)


def _units(page: Page) -> list[_Unit]:
    own, own_entry = _outlet(page.outlet, page.url)
    groups: dict[str | None, list[tuple[int, int]]] = {}
    for s, e, credited in page.body:
        groups.setdefault(credited, []).append((s, e))
    if not groups:
        return [_Unit(page.id, own, own_entry, [(0, 1 << 62)])]
    out = []
    for credited, spans in groups.items():
        name, entry = _outlet(credited) if credited else (own, own_entry)
        out.append(_Unit(page.id, name, entry, spans))
    return out


def _fill(unit: _Unit, page: Page, statements: Sequence[Statement]) -> None:
    def inside(pos: int) -> bool:
        return any(s <= pos < e for s, e in unit.spans)

    for st in statements:
        if any(q.doc_id == page.id and inside(q.start) for q in st.quotes):
            unit.statements.add(st.id)
    for name, typ, starts in page.entities:
        if typ in _ENTITY_TYPES and any(inside(p) for p in starts):
            unit.entities.add(name)


def _diff(
    units: Sequence[_Unit], st_json: dict[str, dict[str, Any]]
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(omits, exclusive) per unit."""
    q_count: Counter[str] = Counter(s for u in units for s in u.statements)
    e_count: Counter[str] = Counter(e for u in units for e in u.entities)
    out: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for u in units:
        others = len(units) - 1
        if others == 0:
            out.append(({"quotes": [], "entities": []}, {"quotes": [], "entities": []}))
            continue
        need = max(1, (others + 1) // 2)
        # quotes in the statements' order (not the sets', which changes from one process to the next)
        om_q = [st_json[s] for s in st_json if s not in u.statements and q_count[s] >= need]
        om_e = sorted(e for e, c in e_count.items() if e not in u.entities and c >= need)
        ex_q = [st_json[s] for s in st_json if s in u.statements and q_count[s] == 1]
        ex_e = sorted(e for e in u.entities if e_count[e] == 1)
        out.append(({"quotes": om_q, "entities": om_e}, {"quotes": ex_q, "entities": ex_e}))
    return out


def compare(pages: Sequence[Page], copies: Iterable[Copy], statements: Sequence[Statement]) -> dict[str, Any]:
    """The comparison of one story's pages (see the module docstring for every field)."""
    body_chars = {p.id: sum(e - s for s, e, _ in p.body) for p in pages}
    copied: Counter[str] = Counter()
    copy_rows = []
    seen: set[tuple[str, str]] = set()
    for c in copies:
        copied[c.doc_id] += c.chars
        if (c.doc_id, c.origin_id) not in seen:
            seen.add((c.doc_id, c.origin_id))
            copy_rows.append({"doc_id": c.doc_id, "origin_id": c.origin_id})
    is_copy = {p.id: body_chars[p.id] > 0 and copied[p.id] >= COPY_SHARE * body_chars[p.id] for p in pages}
    st_json = {s.id: {"statement": s.id, "speaker": s.speaker, "text": s.quotes[0].text} for s in statements}

    units: list[_Unit] = []
    per_page: dict[str, _Unit] = {}
    for p in pages:
        us = _units(p)
        for u in us:
            _fill(u, p, statements)
        units += us
        whole = _Unit(p.id, None, None, [sp for u in us for sp in u.spans])
        _fill(whole, p, statements)
        per_page[p.id] = whole

    outlets: dict[str, dict[str, Any]] = {}
    for p in pages:
        own, entry = _outlet(p.outlet, p.url)
        names = [(own, entry)] + [(u.outlet, u.entry) for u in units if u.doc_id == p.id]
        for name, e in names:
            if name is None:
                continue
            row = outlets.setdefault(
                name,
                {
                    "outlet": name,
                    "documents": [],
                    "state": e.state if e else None,
                    "owner": e.owner if e else None,
                },
            )
            if p.id not in row["documents"]:
                row["documents"].append(p.id)

    owners: set[str] = set()
    for u in units:
        if is_copy.get(u.doc_id):
            continue
        if u.entry is not None:
            owners.add("owner:" + (u.entry.owner or u.entry.id))
        elif u.outlet:
            owners.add("outlet:" + u.outlet.lower())
        else:
            owners.add("doc:" + u.doc_id)

    page_units = list(per_page.values())
    omissions, exclusive = {}, {}
    for u, (om, ex) in zip(page_units, _diff(page_units, st_json), strict=True):
        omissions[u.doc_id] = om
        exclusive[u.doc_id] = ex
    reports = []
    for u, (om, ex) in zip(units, _diff(units, st_json), strict=True):
        reports.append(
            {
                "doc_id": u.doc_id,
                "outlet": u.outlet,
                "state": u.entry.state if u.entry else None,
                "spans": [list(s) for s in u.spans if s[1] < 1 << 62],
                "copy": is_copy.get(u.doc_id, False),
                "omits": om,
                "exclusive": ex,
            }
        )
    return {
        "outlets": list(outlets.values()),
        "copies": copy_rows,
        "independent_reports": len(owners),
        "omissions": omissions,
        "exclusive": exclusive,
        "reports": reports,
    }
