"""HTML pages: the whole visible text as typed blocks, and which of them are the article body.

draft
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from ..errors import InputError

_SKIP_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas",
        "select", "datalist", "head", "title", "audio", "video", "map", "link", "meta", "base",
    }
)
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "dir",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "menu", "nav", "ol", "p", "pre",
        "section", "summary", "table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "ul",
        "legend", "button", "textarea", "img", "picture", "input", "label", "option",
    }
)
_GENERIC = frozenset(
    {"div", "section", "article", "main", "center", "form", "fieldset", "header", "footer", "nav", "aside",
     "hgroup", "figure", "details", "dialog", "menu", "dir", "dl", "ul", "ol", "table", "tbody", "thead",
     "tfoot", "tr", "picture"}
)
_TEXT_ROLE = frozenset(
    {"li", "dd", "dt", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "p", "pre", "caption", "address",
     "summary", "legend", "label"}
)
_OVERRIDE = frozenset({"blockquote", "figcaption"})


@dataclass(slots=True, eq=False)
class _Frame:
    """One open element on the walk's stack, with the text statistics of everything below it."""

    el: etree._Element
    tag: str
    text_tag: str
    sig: str  # lowercased "id class" for pattern tests
    order: int
    chars: int = 0
    link_chars: int = 0
    n_blocks: int = 0
    score: float = 0.0
    first_block: int = -1
    last_block: int = -1


@dataclass(slots=True, eq=False)
class _Seg:
    """A raw block: its whitespace-folded text and where in the tree it sits."""

    text: str
    tag: str
    frames: tuple[_Frame, ...]
    link_chars: int
    line: int | None
    index: int = 0
    extra: dict[str, object] = field(default_factory=dict)


def _sig(el: etree._Element) -> str:
    a = el.get("id")
    b = el.get("class")
    if a is None and b is None:
        return ""
    return f"{a or ''} {b or ''}".lower()


_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_DEPTH_ERR = "Excessive depth"


def _parse(html: str, source: str) -> etree._Element:
    if "\x00" in html:
        html = html.replace("\x00", "")
    if html.startswith("\ufeff"):
        html = html[1:]
    if not html.strip():
        raise InputError(source, "empty page")
    html = _XML_DECL.sub("", html, count=1)
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True, no_network=True)
    try:
        root = etree.fromstring(html, parser)
    except (etree.ParserError, ValueError) as e:
        raise InputError(source, f"unreadable HTML ({e})") from e
    if any(_DEPTH_ERR in err.message for err in parser.error_log):
        parser = etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True, no_network=True)
        root = etree.fromstring(_flatten(html), parser)
    if root is None:
        raise InputError(source, "unreadable HTML (no document element)")
    return root


_TAG_RE = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][^\s/>]*)[^>]*>", re.S)
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
     "wbr"}
)
_MAX_DEPTH = 1000


def _flatten(html: str) -> str:
    """Drop the open and close tags of elements nested deeper than the parser allows (rare path)."""
    out: list[str] = []
    depth = 0
    dropped: dict[str, int] = {}
    pos = 0
    for m in _TAG_RE.finditer(html):
        name = m.group(2)
        if name is None:
            continue
        name = name.lower()
        if name in _VOID or m.group(0).endswith("/>"):
            continue
        if m.group(1):
            if dropped.get(name):
                dropped[name] -= 1
                out.append(html[pos : m.start()])
                pos = m.end()
            else:
                depth = max(0, depth - 1)
        elif depth >= _MAX_DEPTH:
            dropped[name] = dropped.get(name, 0) + 1
            out.append(html[pos : m.start()])
            pos = m.end()
        else:
            depth += 1
    out.append(html[pos:])
    return "".join(out)


def _segments(root: etree._Element) -> tuple[list[_Seg], list[_Frame]]:
    """Walk the tree without recursion and cut its visible text into blocks."""
    segs: list[_Seg] = []
    frames: list[_Frame] = []
    stack: list[_Frame] = []
    parts: list[str] = []
    link_parts = 0
    pre = 0
    anchors = 0
    line: int | None = None
    br_pending = False
    order = 0

    def flush() -> None:
        nonlocal link_parts, line, br_pending
        br_pending = False
        if not parts:
            return
        raw = "".join(parts)
        parts.clear()
        if pre:
            lines = [x.rstrip() for x in raw.split("\n")]
            while lines and not lines[0].strip():
                lines.pop(0)
            while lines and not lines[-1].strip():
                lines.pop()
            text = "\n".join(lines)
        else:
            text = "\n".join(" ".join(x.split()) for x in raw.split("\n") if not x.isspace() and x)
        lc = link_parts
        link_parts = 0
        if not text:
            return
        top = stack[-1] if stack else None
        seg = _Seg(text, top.text_tag if top else "body", tuple(stack), min(lc, len(text)), line, len(segs))
        segs.append(seg)
        n = len(text)
        for f in stack:
            f.chars += n
            f.link_chars += seg.link_chars
            f.n_blocks += 1
            if f.first_block < 0:
                f.first_block = seg.index
            f.last_block = seg.index
        line = None

    def add(s: str, el: etree._Element) -> None:
        nonlocal link_parts, line
        if not s:
            return
        if not pre:
            s = s.replace("\n", " ").replace("\r", " ")
        if line is None and not s.isspace():
            line = el.sourceline
        parts.append(s)
        if anchors:
            link_parts += len(s.strip())

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag
        if not isinstance(tag, str):
            continue
        tag = tag.lower() if not tag.islower() else tag
        if event == "start":
            if tag in _SKIP_TAGS or el.get("hidden") is not None or (
                (st := el.get("style")) is not None and _HIDDEN_STYLE.search(st)
            ):
                walker.skip_subtree()
                el.set("data-nt-skip", "1")
                continue
            if tag == "br":
                if pre:
                    parts.append("\n")
                elif br_pending and parts and "".join(parts).strip():
                    # two line breaks in a row end a paragraph
                    flush()
                else:
                    parts.append("\n")
                    br_pending = True
                continue
            if tag in _BLOCK_TAGS:
                flush()
                parent = stack[-1].text_tag if stack else "body"
                if parent in _OVERRIDE:
                    text_tag = parent
                elif tag in _GENERIC and parent in _TEXT_ROLE:
                    text_tag = parent
                else:
                    text_tag = tag
                fr = _Frame(el, tag, text_tag, _sig(el), order)
                order += 1
                stack.append(fr)
                frames.append(fr)
                if tag == "pre":
                    pre += 1
            elif tag == "a":
                anchors += 1
            if el.text:
                if br_pending and not el.text.isspace():
                    br_pending = False
                add(el.text, el)
        else:
            if el.get("data-nt-skip") is not None:
                tail_owner = el
            else:
                if tag in _BLOCK_TAGS:
                    flush()
                    stack.pop()
                    if tag == "pre":
                        pre -= 1
                elif tag == "a":
                    anchors -= 1
                tail_owner = el
            if el.tail:
                if br_pending and not el.tail.isspace():
                    br_pending = False
                add(el.tail, tail_owner)
    flush()
    return segs, frames
