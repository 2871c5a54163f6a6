"""A readable terminal view of an analysed page: its anatomy, credits and comment tree.

Page text is untrusted: control characters (terminal escape sequences among them) are shown as
``\\xNN`` so a hostile page cannot drive the user's terminal.
"""

from __future__ import annotations

import re
import textwrap

from .model import Document

_MARKER = re.compile(r"^\s*(?:\d{1,4}[.)]|[•◦▪‣●○■□➤►»›·*–—-])\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe(s: str) -> str:
    """Text made harmless for a terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", s)


def _first_words(s: str, width: int) -> str:
    flat = " ".join(s.split())
    return safe(textwrap.shorten(flat, width=width, placeholder=" …"))


def render_document(doc: Document, width: int = 100) -> str:
    lines: list[str] = []
    head = f"== {safe(doc.id)}"
    if doc.source:
        head += f"  ({safe(doc.source)})"
    lines.append(head)
    meta = [f"{k}: {safe(v)}" for k, v in (("url", doc.url), ("outlet", doc.outlet),
                                            ("title", doc.title), ("published", doc.published)) if v]
    if meta:
        lines.append("   " + " | ".join(meta))
    lines.append(f"   {len(doc.text):,} characters, {len(doc.layers)} layers, {len(doc.comments)} comments")
    lines.append("")
    lines.append("Anatomy")
    for layer in doc.layers:
        if layer.kind == "comment":
            continue
        tag = layer.kind
        extra = []
        if layer.outlet:
            extra.append(f"outlet={layer.outlet}")
        if layer.author:
            extra.append(f"author={safe(layer.author)}")
        label = f"  {tag:<16}{' '.join(extra):<22}"
        lines.append(label + _first_words(doc.text[layer.start : layer.end], max(20, width - len(label))))
    if doc.credits:
        lines.append("")
        lines.append("Credits")
        for cr in doc.credits:
            where = ", ".join(x for x in (cr.place, cr.date) if x)
            lines.append(f"  {cr.outlet:<10} {safe(where):<24} {_first_words(doc.text[cr.start:cr.end], 60)}")
    if doc.quotes:
        lines.append("")
        attributed = sum(q.speaker is not None for q in doc.quotes)
        lines.append(f"Quotes ({len(doc.quotes)}; {attributed} attributed)")
        for q in doc.quotes:
            who = safe(q.speaker) if q.speaker else "(no speaker)"
            cue = f" [{safe(q.cue)}]" if q.cue else ""
            label = f"  {who}{cue}: "
            lines.append(label + "“" + _first_words(q.text, max(20, width - len(label) - 2)) + "”")
    if doc.entities:
        lines.append("")
        ranked = sorted(doc.entities, key=lambda e: (-len(e.mentions), e.name))
        lines.append(f"Entities ({len(doc.entities)}; most mentioned first)")
        for e in ranked[:25]:
            aliases = sorted({a for a in e.aliases if a != e.name})
            also = f"  also: {safe('; '.join(aliases[:5]))}" if aliases else ""
            lines.append(f"  {e.type:<13}{safe(e.name)} ×{len(e.mentions)}{also}"[: width + 40])
        if len(ranked) > 25:
            lines.append(f"  … and {len(ranked) - 25} more (see --json)")
    if doc.dates:
        lines.append("")
        lines.append(f"Dates ({len(doc.dates)})")
        for dm in doc.dates:
            lines.append(f"  {dm.value}  {_first_words(dm.text, 60)}")
    if doc.events:
        lines.append("")
        lines.append(f"Events ({len(doc.events)})")
        for ev in doc.events[:25]:
            when = ev.date or "undated"
            starting = f"  from {ev.starting}" if ev.starting else ""
            lines.append(f"  {when:<10}  {_first_words(ev.summary(), max(20, width - 14))}{starting}")
        if len(doc.events) > 25:
            lines.append(f"  … and {len(doc.events) - 25} more (see --json)")
    if doc.comments:
        lines.append("")
        lines.append(f"Comments ({len(doc.comments)}: "
                     f"{sum(c.parent is None for c in doc.comments)} top-level, "
                     f"{sum(c.parent is not None for c in doc.comments)} replies)")
        depth: dict[int, int] = {}
        for c in doc.comments:
            d = 0 if c.parent is None else depth.get(c.parent, 0) + 1
            depth[c.id] = d
            num = f"#{c.number}" if c.number else "↳"
            who = f" {safe(c.author)}:" if c.author else ""
            prefix = f"  {'    ' * d}{num}{who} "
            body = _MARKER.sub("", doc.text[c.start : c.end], count=1)
            lines.append(prefix + _first_words(body, max(20, width - len(prefix))))
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------ Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def _md(s: str, width: int | None = None) -> str:
    """Page text as inert Markdown on one line: controls shown escaped, markup characters backslashed."""
    flat = " ".join(s.split())
    if width is not None:
        flat = textwrap.shorten(flat, width=width, placeholder=" …")
    return _MD_SPECIAL.sub(r"\\\1", safe(flat))


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def render_markdown(doc: Document, width: int = 160) -> str:
    """The page's anatomy as Markdown: a table of its layers, then credits, quotes and the comment tree
    (for notes, reports and issue trackers; every piece of page text escaped, so none of it is markup)."""
    lines = [f"# {_md(doc.title or doc.id)}", ""]
    meta = [f"`{_md(doc.id)}`"] + [_md(v) for v in (doc.url, doc.outlet, doc.published) if v]
    lines += [" · ".join(meta + [f"{len(doc.text):,} characters"]), "", "## Anatomy", ""]
    lines += [_md_row(["layer", "outlet", "author", "offsets", "text"]), _md_row(["---"] * 5)]
    for x in doc.layers:
        if x.kind == "comment":
            continue
        lines.append(_md_row([x.kind, _md(x.outlet or ""), _md(x.author or ""), f"{x.start}–{x.end}",
                              _md(doc.text[x.start : x.end], width)]))
    if doc.credits:
        lines += ["", "## Credits", ""]
        for cr in doc.credits:
            where = ", ".join(_md(v) for v in (cr.place, cr.date) if v)
            lines.append(f"- **{_md(cr.outlet)}**{f' ({where})' if where else ''}: "
                         f"{_md(doc.text[cr.start : cr.end], width)}")
    if doc.quotes:
        lines += ["", f"## Quotes ({len(doc.quotes)})", ""]
        for q in doc.quotes:
            who = f"**{_md(q.speaker)}**" if q.speaker else "*(no speaker)*"
            lines.append(f"- {who}: “{_md(q.text, width)}”")
    if doc.comments:
        lines += ["", f"## Comments ({len(doc.comments)})", ""]
        depth: dict[int, int] = {}
        for c in doc.comments:
            d = 0 if c.parent is None else depth.get(c.parent, 0) + 1
            depth[c.id] = d
            head = " ".join(v for v in (f"#{c.number}" if c.number else "", _md(c.author or ""),
                                        c.date or "") if v)
            body = _md(_MARKER.sub("", doc.text[c.start : c.end], count=1), width)
            lines.append(f"{'  ' * d}- {f'**{head}**: ' if head else ''}{body}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------------ CSV

CSV_COLUMNS = ("doc_id", "kind", "start", "end", "outlet", "author", "speaker", "cue", "text")


def csv_rows(doc: Document) -> list[tuple[object, ...]]:
    """One row per layer (``kind``: the layer's kind) and per quote (``kind``: ``quote``), in text order
    within each, for ``analyze --output csv``; the text is the page's own, unescaped (the csv module
    quotes it)."""
    rows: list[tuple[object, ...]] = [
        (doc.id, x.kind, x.start, x.end, x.outlet, x.author, None, None, doc.text[x.start : x.end])
        for x in doc.layers
    ]
    rows += [(doc.id, "quote", q.start, q.end, None, None, q.speaker, q.cue, q.text) for q in doc.quotes]
    return rows
