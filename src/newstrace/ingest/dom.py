"""The page as a list of text blocks: parse with lxml, then one non-recursive walk over the tree.

Each block (``Seg``) carries its whitespace-folded text and the stack of block elements (``Frame``)
above it, each named (comments, nav, related, caption …) from its tag, role and id/class words, and
holding the text statistics of its subtree, which the main-text selection and the region mapping read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from ..errors import InputError
from ..normalize import replace_unencodable
from .html_vocabulary import vocabulary

_V = vocabulary()
_CATEGORIES = _V.categories
_MAIN_HINT = _V.main_hint
_STRONG_HINT = _V.strong_hint
_REGION_OF_TAG = _V.region_of_tag
_REGION_OF_ROLE = _V.region_of_role
_COMMENT_ITEM = _V.comment_item
_COMMENT_CHILDREN = _V.comment_children
_NOT_A_THREAD = _V.not_a_thread
_WP_POST = _V.wp_post
_WP_TAXONOMY = _V.wp_taxonomy
_BODY_ITEMPROPS = _V.body_itemprops
_AUTHOR_ITEMPROPS = _V.author_itemprops


def tags(names: str) -> frozenset[str]:
    """A set of tag names written as one space-separated string."""
    return frozenset(names.split())


# Never visible (or not text): their whole subtree is skipped.
_SKIP_TAGS = tags(
    "script style noscript template svg math iframe object embed canvas select datalist head title "
    "audio video map link meta base param source track"
)
_SKIP_WITH_NOSCRIPT = _SKIP_TAGS - {"noscript"}
# Elements that start and end a block of text; everything else is inline.
_BLOCK_TAGS = tags(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav ol p pre section summary "
    "table tbody thead tfoot tr td th caption ul legend button textarea input label option picture img "
    "frameset frame"
)
# Containers that take the text role of a text-bearing parent (``<li><div>x</div></li>`` is an "li").
GENERIC = tags(
    "div section article main center form fieldset header footer nav aside hgroup figure details dialog "
    "menu dir dl ul ol table tbody thead tfoot tr picture"
)
_TEXT_ROLE = tags("li dd dt td th h1 h2 h3 h4 h5 h6 p pre caption address summary legend label")
# Tags whose role wins over any block inside them (a ``<p>`` in a ``<blockquote>`` is quoted text).
_OVERRIDE = frozenset({"blockquote", "figcaption"})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_INLINE_SIGNAL_TAGS = tags("span a time small em strong b i font cite abbr address")

_COMMENT_ID = re.compile(r"^(?:li-)?comment-?\d+$")
_COMMENT_DEPTH = re.compile(r"(?:^| )depth-(\d{1,3})(?= |$)")

_cat_cache: dict[tuple[str, str], str | None] = {}


def category(tag: str, sig: str) -> str | None:
    """The page part an element's tag and id/class words name (cached: class strings repeat a lot)."""
    key = (tag, sig)
    try:
        return _cat_cache[key]
    except KeyError:
        pass
    cat = None
    if sig and tag != "html" and tag != "body":
        for name, rx in _CATEGORIES:
            if rx.search(sig):
                cat = name
                break
        if cat == "boiler" and "embed" in sig:
            cat = None  # embedded posts (tweets) inside an article are quoted content
        elif cat == "comments" and (m := _NOT_A_THREAD.search(sig)) is not None:
            # "recent comments" widgets list other pages; "12 comments" links count them
            cat = "related" if m.group(1) else "boiler"
    if cat is None:
        cat = _REGION_OF_TAG.get(tag)
    if len(_cat_cache) > 50_000:
        _cat_cache.clear()
    _cat_cache[key] = cat
    return cat


# ---------------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------------

_COMMENT_TYPE = re.compile(r"schema\.org/(?:Comment|UserComments)\b", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Leading XML declarations, however written (several, without the closing "?", after a BOM or spaces, or
# cut off): lxml refuses a str that starts with one naming an encoding, and our text is decoded already.
_XML_DECL = re.compile(r"(?:[\s\ufeff]*<\?xml[^>]*(?:>|\Z))+[\s\ufeff]*", re.I)
_TAG_RE = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][^\s/>]*)[^>]*>", re.S)
_VOID = tags("area base br col embed hr img input link meta param source track wbr")
_MAX_DEPTH = 1000
# Control, zero-width and direction-control characters: invisible, and normalize_text drops them anyway.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]+"
)


def _parser() -> etree.HTMLParser:
    return etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True, no_network=True)


def parse(html: str, source: str) -> etree._Element:
    """Parse forgivingly; nesting deeper than libxml2 allows is flattened instead of cut off."""
    if "\x00" in html:
        html = html.replace("\x00", "")
    try:
        html.encode("utf-8")  # (five times faster than searching for lone surrogates)
    except UnicodeEncodeError:
        html = replace_unencodable(html)[0]  # libxml2 stops reading at a lone surrogate
    if html.startswith("\ufeff"):
        html = html[1:]
    if not html.strip():
        raise InputError(source, "empty page")
    declarations = _XML_DECL.match(html)
    if declarations is not None:
        html = html[declarations.end() :]
    parser = _parser()
    try:
        root = etree.fromstring(html, parser)
    except (etree.ParserError, ValueError) as e:
        raise InputError(source, f"unreadable HTML ({e})") from e
    if any("Excessive depth" in err.message for err in parser.error_log):
        try:
            root = etree.fromstring(_flatten(html), _parser())
        except (etree.ParserError, ValueError) as e:
            raise InputError(source, f"unreadable HTML ({e})") from e
    if root is None:
        raise InputError(source, "unreadable HTML (no document element)")
    if any(word in html for word in _EMBEDDED):  # (substring tests: a regex over the page costs ms)
        _inline_embedded(root)
    return root


_EMBEDDED = ("srcdoc", "<noframes", "<NOFRAMES")


def _inline_embedded(root: etree._Element) -> None:
    """Put the page's own embedded documents in place: ``<iframe srcdoc>`` and a frameset's ``<noframes>``.

    Both hold HTML as text (an attribute, or raw text for the parser), which a reader of the page sees
    (the frames of a frameset live at other addresses; ``noframes`` is what the page itself says).
    """
    frameset = root.find("frameset") is not None
    for el in list(root.iter("iframe", "noframes")):
        inner = el.get("srcdoc") if el.tag == "iframe" else (el.text if frameset else None)
        if not inner or not inner.strip():
            continue
        try:
            sub = etree.fromstring(inner, _parser())
        except (etree.ParserError, ValueError):
            continue
        if sub is None:
            continue
        body = sub.find("body")
        kids = list(body if body is not None else sub)
        el.tag = "div"
        el.attrib.pop("srcdoc", None)
        el.text = body.text if body is not None else None
        for k in kids:
            el.append(k)


def _flatten(html: str) -> str:
    """Drop the tags of elements nested deeper than ``_MAX_DEPTH`` (their text stays), like browsers do."""
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


# ---------------------------------------------------------------------------------------------------
# Walking the tree into blocks
# ---------------------------------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class Frame:
    """One open block element on the walk's stack, with the text statistics of everything below it."""

    tag: str
    text_tag: str
    sig: str
    cat: str | None
    hint: int  # 2: a strong article-body name, 1: a weak one, 0: none
    citem: bool
    cchildren: bool
    incom: bool  # inside a comment section
    cdepth: int  # a comment's own nesting level when its markup says it ("depth-2"), else -1
    parent: Frame | None
    chars: int = 0
    link_chars: int = 0
    first: int = -1
    last: int = -1
    good: float = 0.0
    articles: int = 0  # <article> elements with text below this one (a listing holds several)


@dataclass(slots=True, eq=False)
class Seg:
    """A raw block: its whitespace-folded text and where in the tree it sits."""

    text: str
    tag: str
    frames: tuple[Frame, ...]
    link_chars: int
    line: int | None
    inline_cat: str | None
    index: int


def segments(root: etree._Element, *, noscript: bool = False) -> list[Seg]:
    """Walk the tree without recursion (pages can nest thousands deep) and cut its text into blocks.

    ``noscript``: read ``<noscript>`` content too (what a reader without scripts sees).
    """
    skip = _SKIP_WITH_NOSCRIPT if noscript else _SKIP_TAGS
    segs: list[Seg] = []
    stack: list[Frame] = []
    parts: list[str] = []
    link_chars = 0
    pre = 0
    anchors = 0
    line: int | None = None
    br_pending = False
    has_text = False  # non-space text since the last flush
    skipped: etree._Element | None = None  # the invisible element whose subtree was just skipped
    inline_stack: list[tuple[etree._Element, str]] = []
    inline_chars: dict[str, int] = {}

    def flush() -> None:
        nonlocal link_chars, line, br_pending, has_text
        br_pending = False
        has_text = False
        if not parts:
            return
        raw = "".join(parts)
        parts.clear()
        if _INVISIBLE.search(raw) is not None:
            raw = _INVISIBLE.sub("", raw)  # so that "a \u200b b" does not leave a double space behind
        if pre:
            lines = [x.rstrip() for x in raw.split("\n")]
            while lines and not lines[0].strip():
                lines.pop(0)
            while lines and not lines[-1].strip():
                lines.pop()
            text = "\n".join(lines)
        elif "\n" in raw:
            text = "\n".join(y for y in (" ".join(x.split()) for x in raw.split("\n")) if y)
        else:
            text = " ".join(raw.split())
        lc = link_chars
        link_chars = 0
        icat = None
        if inline_chars:
            cat, n = max(inline_chars.items(), key=lambda kv: kv[1])
            if n * 2 >= len(text):
                icat = cat
            inline_chars.clear()
        start_line = line
        line = None
        if not text:
            return
        top = stack[-1] if stack else None
        seg = Seg(
            text,
            top.text_tag if top else "body",
            tuple(stack),
            min(lc, len(text)),
            start_line,
            icat,
            len(segs),
        )
        segs.append(seg)
        n = len(text)
        for f in stack:
            f.chars += n
            f.link_chars += seg.link_chars
            if f.first < 0:
                f.first = seg.index
            f.last = seg.index

    def add(s: str, el: etree._Element) -> None:
        nonlocal link_chars, line, has_text, br_pending
        if not pre:
            s = s.replace("\n", " ")
        if not s.isspace():
            has_text = True
            br_pending = False
            if line is None:
                line = el.sourceline
        parts.append(s)
        if anchors:
            link_chars += len(s.strip())
        if inline_stack:
            c = inline_stack[-1][1]
            inline_chars[c] = inline_chars.get(c, 0) + len(s.strip())

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if not tag.islower():
            tag = tag.lower()
        if event == "start":
            if (
                tag in skip
                or el.get("hidden") is not None
                or ((st := el.get("style")) is not None and _HIDDEN_STYLE.search(st) is not None)
            ):
                walker.skip_subtree()
                skipped = el
                continue
            if tag == "br":
                if pre:
                    parts.append("\n")
                elif br_pending and has_text:
                    flush()  # two line breaks in a row end a paragraph
                else:
                    parts.append("\n")
                    br_pending = True
                continue
            if tag in _BLOCK_TAGS:
                flush()
                parent = stack[-1] if stack else None
                ptag = parent.text_tag if parent else "body"
                text_tag = ptag if ptag in _OVERRIDE or (tag in GENERIC and ptag in _TEXT_ROLE) else tag
                ident = el.get("id")
                klass = el.get("class")
                sig = f"{ident or ''} {klass or ''}".lower() if ident or klass else ""
                if "\n" in sig or "\t" in sig:
                    sig = " ".join(sig.split())
                csig = sig
                if "post" in sig and _WP_POST.search(sig):
                    sig = _WP_TAXONOMY.sub(" ", sig)
                    # and the terms of custom taxonomies ("location-x", "internal_cat-sponsored"): a post
                    # element's hyphenated classes are WordPress's and the theme's, never its role
                    csig = " ".join(t for t in sig.split() if "-" not in t)
                cat = category(tag, csig)
                role = el.get("role")
                if role is not None:
                    cat = _REGION_OF_ROLE.get(role.lower(), cat)
                itemprop = el.get("itemprop")
                itemtype = el.get("itemtype")
                schema_comment = itemtype is not None and _COMMENT_TYPE.search(itemtype) is not None
                if schema_comment or (itemprop is not None and itemprop.lower() in ("comment", "comments")):
                    cat = "comments"  # schema.org Comment / UserComments, whatever the classes say
                hint = 0
                if itemprop is not None and itemprop.lower() in _BODY_ITEMPROPS:
                    hint = 2
                elif itemprop is not None and itemprop.lower() in _AUTHOR_ITEMPROPS:
                    cat = "byline"
                elif sig:
                    if _STRONG_HINT.search(sig):
                        hint = 2
                    elif cat is None and _MAIN_HINT.search(sig):
                        hint = 1
                if hint == 2 and cat != "comments":
                    cat = None
                if hint == 0 and tag in ("article", "main"):
                    hint = 1
                incom = cat == "comments" or (parent is not None and parent.incom)
                citem = cchildren = False
                cdepth = -1
                if schema_comment:
                    citem = True
                elif sig and incom:
                    toks = sig.split()
                    citem = any(t in _COMMENT_ITEM or _COMMENT_ID.match(t) is not None for t in toks) and (
                        _V.comment_part.search(sig) is None  # "comment-content comment" is a comment's text
                    )
                    cchildren = any(t in _COMMENT_CHILDREN for t in toks)
                    if "depth-" in sig and (m := _COMMENT_DEPTH.search(sig)) is not None:
                        cdepth = int(m.group(1)) - 1
                        citem = True
                fr = Frame(tag, text_tag, sig, cat, hint, citem, cchildren, incom, cdepth, parent)
                stack.append(fr)
                if tag == "pre":
                    pre += 1
            else:
                if tag == "a":
                    anchors += 1
                if tag in _INLINE_SIGNAL_TAGS:
                    icat = inline_category(el, tag)
                    if icat is not None:
                        inline_stack.append((el, icat))
            if el.text:
                add(el.text, el)
        else:
            if el is skipped:
                skipped = None
            else:
                if tag in _BLOCK_TAGS:
                    flush()
                    stack.pop()
                    if tag == "pre":
                        pre -= 1
                elif tag == "a":
                    anchors -= 1
                if inline_stack and inline_stack[-1][0] is el:
                    inline_stack.pop()
            if el.tail:
                add(el.tail, el)
    flush()
    return segs


def inline_category(el: etree._Element, tag: str) -> str | None:
    """Byline and date signals on inline elements: ``<a rel=author>``, ``<span class=byline>``, ``<time>``."""
    if tag == "time":
        return "time"
    rel = el.get("rel")
    if rel is not None and "author" in rel.lower():
        return "byline"
    itemprop = el.get("itemprop")
    if itemprop is not None:
        ip = itemprop.lower()
        if ip in _AUTHOR_ITEMPROPS:
            return "byline"
        if ip.startswith("date"):
            return "time"
    ident = el.get("id")
    klass = el.get("class")
    if not ident and not klass:
        return None
    cat = category("span", f"{ident or ''} {klass or ''}".lower())
    return cat if cat in ("byline", "dateline", "time", "caption") else None
