"""Charts drawn on the server as SVG geometry: a story's timeline, its copy map, and sparklines.

Server-side SVG needs no script at all (the CSP forbids inline script, and data must never become code):
these functions compute numbers and labels only, and the templates print them with autoescaping.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .safety import clean, path_part


@dataclass(frozen=True, slots=True)
class Mark:
    x: float
    y: float
    href: str | None
    title: str
    cls: str = ""


@dataclass(frozen=True, slots=True)
class Label:
    x: float
    y: float
    text: str
    cls: str = ""


@dataclass(frozen=True, slots=True)
class Edge:
    d: str  # an SVG path of numbers only
    title: str


@dataclass(slots=True)
class Chart:
    width: int
    height: int
    marks: list[Mark] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    ticks: list[Label] = field(default_factory=list)
    lines: list[tuple[float, float, float, float]] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)


def parse_day(s: Any) -> date | None:
    """A day from ``YYYY-MM-DD`` (or ``YYYY-MM``, ``YYYY``); None when it is not a date."""
    if not isinstance(s, str):
        return None
    s = s.strip()[:10]
    try:
        if len(s) == 10:
            return date.fromisoformat(s)
        if len(s) == 7:
            return date.fromisoformat(s + "-01")
        if len(s) == 4 and s.isdigit():
            return date(int(s), 1, 1)
    except ValueError:
        return None
    return None


def _doc_href(doc_id: str) -> str:
    return "/documents/" + path_part(doc_id)


class _Scale:
    def __init__(self, days: Sequence[date], x0: float, x1: float) -> None:
        self.lo = min(days) if days else date(2000, 1, 1)
        hi = max(days) if days else self.lo
        self.flat = hi == self.lo  # one day only: everything in the middle
        self.span = max(1, (hi - self.lo).days)
        self.x0, self.x1 = x0, x1

    def x(self, d: date) -> float:
        if self.flat:
            return round((self.x0 + self.x1) / 2, 1)
        return round(self.x0 + (d - self.lo).days / self.span * (self.x1 - self.x0), 1)

    def ticks(self, count: int = 5) -> list[tuple[float, str]]:
        if self.flat:
            return [(self.x(self.lo), self.lo.isoformat())]
        out: list[tuple[float, str]] = []
        steps = min(count, self.span)
        seen: set[str] = set()
        for i in range(steps + 1):
            d = date.fromordinal(self.lo.toordinal() + round(i * self.span / max(1, steps)))
            label = d.isoformat()
            if label not in seen:
                seen.add(label)
                out.append((self.x(d), label))
        return out


def timeline(
    documents: Sequence[Mapping[str, Any]],
    events: Sequence[Mapping[str, Any]],
    lanes: Sequence[str],
    width: int = 900,
) -> Chart:
    """Documents as dots on one lane per outlet (hollow for copies), events as diamonds on their own lane.

    ``documents``: {"id", "outlet", "date", "title", "is_copy"}; ``events``: {"date", "text", "doc_id"}.
    Undated items sit in a column of their own at the right.
    """
    undated = any(not parse_day(x.get("date")) for x in [*documents, *events])
    left, right, lane_h, top = 150, width - (120 if undated else 50), 26, 18
    rows = list(lanes) + (["events"] if events else [])
    height = top + lane_h * max(1, len(rows)) + 30
    days = [d for d in (parse_day(x.get("date")) for x in [*documents, *events]) if d]
    scale = _Scale(days, left, right)
    undated_x = width - 40
    chart = Chart(width, height)
    lane_y = {name: top + lane_h * i + lane_h / 2 for i, name in enumerate(rows)}
    for name, y in lane_y.items():
        chart.labels.append(Label(left - 8, y + 4, clean(_short(name, 19)), "lane"))
        chart.lines.append((left, y, right, y))
    crowd: dict[tuple[float, float], int] = {}

    def place(x: float, y: float) -> tuple[float, float]:
        k = crowd.get((x, y), 0)
        crowd[(x, y)] = k + 1
        return x + 5 * (k % 6), y - 4 * (k // 6)

    for doc in documents:
        day = parse_day(doc.get("date"))
        y = lane_y.get(str(doc.get("outlet") or "unknown outlet"), lane_y[rows[0]] if rows else top)
        x, y = place(scale.x(day) if day else undated_x, y)
        title = " · ".join(
            (
                str(doc.get("outlet") or "unknown outlet"),
                str(doc.get("date") or "undated"),
                str(doc.get("title") or doc["id"]),
            )
        )
        cls = "copy" if doc.get("is_copy") else "doc"
        chart.marks.append(Mark(x, y, _doc_href(str(doc["id"])), clean(title), cls))
    for ev in events:
        day = parse_day(ev.get("date"))
        x, y = place(scale.x(day) if day else undated_x, lane_y["events"])
        href = _doc_href(str(ev["doc_id"])) if ev.get("doc_id") else None
        chart.marks.append(
            Mark(x, y, href, clean(f"{ev.get('date') or 'undated'} · {ev.get('text') or ''}"), "event")
        )
    base = top + lane_h * max(1, len(rows)) + 14
    chart.ticks = [Label(x, base, label, "tick") for x, label in scale.ticks()]
    if undated:
        chart.ticks.append(Label(undated_x, base, "undated", "tick"))
    return chart


def sparkline(dates: Sequence[Any], width: int = 120, height: int = 16) -> Chart:
    """A story's documents as ticks along its own date range (for the stories list)."""
    days = [d for d in (parse_day(x) for x in dates) if d]
    scale = _Scale(days, 3, width - 3)
    chart = Chart(width, height)
    chart.lines.append((0, height / 2, width, height / 2))
    for d in days:
        chart.marks.append(Mark(scale.x(d), height / 2, None, d.isoformat(), "spark"))
    return chart


def copy_map(
    documents: Sequence[Mapping[str, Any]],
    copies: Sequence[Mapping[str, Any]],
    width: int = 900,
    max_nodes: int = 80,
) -> Chart:
    """Which page copied which: pages in publication order left to right, one row per outlet, an arrow
    from each origin to its copy. ``documents``: {"id", "outlet", "date", "title"} (origins outside the
    story included); ``copies``: {"doc_id", "origin_id"}."""
    involved = {str(c.get("doc_id")) for c in copies} | {str(c.get("origin_id")) for c in copies}
    docs = [d for d in documents if str(d["id"]) in involved] or list(documents)
    docs = docs[:max_nodes]
    order = sorted(range(len(docs)), key=lambda i: (parse_day(docs[i].get("date")) or date.max, i))
    outlets: list[str] = []
    for i in order:
        o = str(docs[i].get("outlet") or "unknown outlet")
        if o not in outlets:
            outlets.append(o)
    left, right, row_h, top = 150, width - 30, 40, 24
    height = top + row_h * max(1, len(outlets)) + 10
    step = (right - left) / max(1, len(order) - 1) if len(order) > 1 else 0.0
    pos: dict[str, tuple[float, float]] = {}
    chart = Chart(width, height)
    for k, o in enumerate(outlets):
        y = top + row_h * k + row_h / 2
        chart.labels.append(Label(left - 12, y + 4, clean(_short(o, 19)), "lane"))
        chart.lines.append((left, y, right, y))
    for rank, i in enumerate(order):
        d = docs[i]
        o = str(d.get("outlet") or "unknown outlet")
        x = round(left + step * rank if len(order) > 1 else (left + right) / 2, 1)
        y = top + row_h * outlets.index(o) + row_h / 2
        pos[str(d["id"])] = (x, y)
        title = f"{o} · {d.get('date') or 'undated'} · {d.get('title') or d['id']}"
        chart.marks.append(
            Mark(
                x, y, _doc_href(str(d["id"])), clean(title), "node external" if d.get("external") else "node"
            )
        )
    for c in copies:
        a, b = pos.get(str(c.get("origin_id"))), pos.get(str(c.get("doc_id")))
        if a is None or b is None or a == b:
            continue
        (x1, y1), (x2, y2) = a, b
        # A curve that bows away from the straight line, so edges between the same rows stay apart.
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        bow = min(40.0, 0.25 * length)
        cx, cy = mx + (y1 - y2) / length * bow, my - (x2 - x1) / length * bow
        # Stop short of the target circle so the arrow head stays visible.
        ex, ey = (
            x2 - (x2 - cx) / max(1.0, math.hypot(x2 - cx, y2 - cy)) * 8,
            y2 - (y2 - cy) / max(1.0, math.hypot(x2 - cx, y2 - cy)) * 8,
        )
        chart.edges.append(
            Edge(
                f"M{x1:.1f},{y1:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}",
                clean(f"{c.get('doc_id')} copied {c.get('origin_id')}"),
            )
        )
    return chart


def _short(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"
