"""HTML pages: the whole visible text as typed blocks, and which of them are the article body.

The HTML reader keeps everything a reader sees (headline, captions, comments, even menus) so that the
anatomy stage can label every part of the page, and marks the blocks its own main-text extractor judges
to be the article body. ``extract_main_text`` is the same judgement, returned as plain text, so that the
article-extraction benchmark measures exactly what ``read_html`` marks.

How the body is found (one lxml parse, one non-recursive walk, no second pass over the tree):

1. The walk cuts the visible text into blocks (one per paragraph-like element) and names the part of
   the page each ancestor is from its tag, role and id/class words (comments, nav, related, caption …).
2. Paragraph-like blocks score for their parent and grandparent (as readability does); the best
   container wins, weighed by link density, by names, and by where the page's headline is.
3. The body grows into sibling containers when an article is split (by ads, figures, "chunks") until
   something that ends an article (related links, comments, an author box) is met.
4. Inside, boilerplate parts, the headline, link lists and short datelines at the edges are dropped.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from lxml import etree

from ..errors import InputError
from ..model import Block, Document, OffsetMap
from ..normalize import normalize_text, replace_unencodable

# ---------------------------------------------------------------------------------------------------
# Tag classes
# ---------------------------------------------------------------------------------------------------


def _tags(names: str) -> frozenset[str]:
    return frozenset(names.split())


# Never visible (or not text): their whole subtree is skipped.
_SKIP_TAGS = _tags(
    "script style noscript template svg math iframe object embed canvas select datalist head title "
    "audio video map link meta base param source track"
)
# Elements that start and end a block of text; everything else is inline.
_BLOCK_TAGS = _tags(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav ol p pre section summary "
    "table tbody thead tfoot tr td th caption ul legend button textarea input label option picture img "
    "frameset frame"
)
# Containers that take the text role of a text-bearing parent (``<li><div>x</div></li>`` is an "li").
_GENERIC = _tags(
    "div section article main center form fieldset header footer nav aside hgroup figure details dialog "
    "menu dir dl ul ol table tbody thead tfoot tr picture"
)
_TEXT_ROLE = _tags("li dd dt td th h1 h2 h3 h4 h5 h6 p pre caption address summary legend label")
# Tags whose role wins over any block inside them (a ``<p>`` in a ``<blockquote>`` is quoted text).
_OVERRIDE = frozenset({"blockquote", "figcaption"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_INLINE_SIGNAL_TAGS = _tags("span a time small em strong b i font cite abbr address")

# ---------------------------------------------------------------------------------------------------
# Region vocabulary: id/class words that say what part of a page an element is
# ---------------------------------------------------------------------------------------------------

_B = r"(?:^|(?<=[^a-z0-9]))"  # a word starts here (start of sig, or after a separator)
_E = r"(?=[^a-z0-9]|$)"  # a word ends here


def _words(exact: str = "", word: str = "", prefix: str = "") -> re.Pattern[str]:
    """A regex over a lowercased "id class" string: whole tokens, whole words in tokens, or word starts.

    ``exact`` must be a whole class token (``hidden`` but not ``field-label-hidden``); ``word`` may sit
    inside a token between separators (``nav`` in ``main-nav``); ``prefix`` is a word start
    (``comment`` in ``commentlist``).
    """
    alts = []
    if exact:
        alts.append(f"(?:^|(?<= ))(?:{exact})(?= |$)")
    if word:
        alts.append(f"{_B}(?:{word}){_E}")
    if prefix:
        alts.append(f"{_B}(?:{prefix})")
    return re.compile("|".join(alts))


# Order matters: the first category that matches names the element.
_CATEGORIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "comments",
        _words(
            word="respond|replies|reply-?list|talkback|discussion|comentarios|kommentare",
            prefix="comment|disqus|dsq-|livefyre|fb-comments|coral-",
        ),
    ),
    (
        "nav",
        _words(
            word="nav|navbar|menu|menus|menuitem|pagination|pager|topbar|top-bar|toolbar|skip-?links?|"
            "breadcrumbs?",
            prefix="navigation|navbar|subnav|globalnav|mainmenu|megamenu|submenu|breadcrumb",
        ),
    ),
    (
        "related",
        _words(
            exact="teaser|teasers|more",
            word="crp|yarpp|rpwe",
            prefix="related|recommend|more-?stories|more-?from|more-?news|more-?articles|more-?on-|"
            "also-?read|read-?more|read-?next|readnext|up-?next|next-?article|next-?post|trending|"
            "popular|most-?read|most-?viewed|mostread|mostpopular|you-?may|suggest|taboola|outbrain|"
            "ob-widget|zergnet|around-?the-?web|promoted|jp-relatedposts|other-?news|latest-?news|"
            "top-?stories|headlines",
        ),
    ),
    (
        "aside",
        _words(
            exact="widget|sidebar|rail",
            word="aside|right-?rail|left-?rail",
            prefix="sidebar|side-?bar|widget-?area",
        ),
    ),
    ("footer", _words(exact="foot|site-info", prefix="footer|copyright|colophon")),
    ("header", _words(exact="head", prefix="header|masthead|site-?header|page-?header")),
    (
        "caption",
        _words(
            exact="credit|credits|image|img|photo|picture|thumbnail|thumb",
            prefix="caption|wp-caption|figcaption|photo-?credit|image-?credit|img-?credit|gallery|slideshow|"
            "carousel|media-?credit",
        ),
    ),
    ("byline", _words(exact="by|posted-by|written-by", prefix="byline|author|contributor|writer")),
    ("dateline", _words(prefix="dateline")),
    (
        "time",
        _words(
            exact="date|time|datetime|published|updated|posted-on|meta-date",
            prefix="timestamp|pubdate|publish-?date|post-?date|entry-?date|article-?date|date-?time|"
            "published-|posted-on",
        ),
    ),
    (
        "boiler",
        _words(
            exact="ad|ads|adv|advert|adverts|advertisement|banner|hidden|hide|invisible|offscreen|d-none|"
            "sr-only|screen-reader-text|visually-hidden|visuallyhidden|element-invisible|tags|tag|meta|"
            "btn|button|buttons|print|tools|icon|icons|rating|login|signin|popup|modal|overlay|cta|"
            "follow|keywords|categories|disclaimer|notice|alert",
            prefix="share|sharing|sharedaddy|social|sociable|newsletter|subscri|signup|sign-up|promo|"
            "advert|sponsor|dfp-|gpt-ad|adslot|ad-slot|ad-container|adunit|ad-unit|adsbygoogle|ad-wrap|"
            "adwrap|ad-box|adbox|ad-|ads-|print-|toolbar|cookie|consent|tag-?list|tagcloud|"
            "tags-|post-?tags|entry-?tags|article-?tags|post-?meta|entry-?meta|article-?meta|meta-|"
            "noprint|no-print|hidden-print|addthis|a2a_|ssba|shariff|sumo|swp_|dpsp|"
            "subscription|donate|membership|related-",
        ),
    ),
)
_MAIN_HINT = _words(
    exact="content|article|story|post|entry|text|body|main",
    prefix="article-?body|articlebody|article__body|article-?content|articlecontent|article__content|"
    "article-?text|articletext|entry-?content|entrycontent|post-?content|postcontent|post-?body|postbody|"
    "post-?entry|post-?text|story-?body|storybody|story-?content|storycontent|story-?text|body-?text|"
    "bodytext|text-?content|main-?content|maincontent|content-?body|contentbody|field-?body|"
    "rich-?text|richtext|article-?copy|body-?copy|bodycopy|article-?main|single-?content|"
    "content-?main|page-?content|td-post-content|entry-?body|news-?body|news-?content|news-?text|"
    "article-?detail|story-?detail|detail-?content|post-?article",
)
_STRONG_HINT = _words(
    prefix="article-?body|articlebody|article__body|article-?content|articlecontent|article__content|"
    "article-?text|articletext|entry-?content|entrycontent|post-?content|postcontent|post-?body|postbody|"
    "story-?body|storybody|story-?content|storycontent|story-?text|body-?text|bodytext|td-post-content|"
    "entry-?body|news-?body|news-?text|rich-?text|richtext|article-?copy|body-?copy|bodycopy",
)

_REGION_OF_TAG = {
    "nav": "nav",
    "aside": "aside",
    "footer": "footer",
    "header": "header",
    "figure": "caption",
    "figcaption": "caption",
    "caption": "caption",
    "time": "time",
    "button": "boiler",
    "form": "boiler",
    "label": "boiler",
    "legend": "boiler",
    "input": "boiler",
    "textarea": "boiler",
    "option": "boiler",
    "dialog": "boiler",
}
_REGION_OF_ROLE = {
    "navigation": "nav",
    "menu": "nav",
    "menubar": "nav",
    "banner": "header",
    "contentinfo": "footer",
    "complementary": "aside",
    "search": "boiler",
    "dialog": "boiler",
    "alert": "boiler",
}
_COMMENT_ITEM = frozenset({"comment", "comment-item", "commentlist-item", "comments-item", "comment-wrap"})
_COMMENT_CHILDREN = frozenset(
    {
        "children",
        "replies",
        "comment-replies",
        "comment-children",
        "sub-comments",
        "subcomments",
        "reply-list",
        "comment-reply-list",
        "child-comments",
        "comments-children",
    }
)
_COMMENT_ID = re.compile(r"^(?:li-)?comment-?\d+$")
_COMMENT_DEPTH = re.compile(r"(?:^| )depth-(\d{1,3})(?= |$)")

# WordPress's post_class() adds the post's taxonomy ("tag-trending", "category-top-stories") to the
# article element; those words name the post's topics, not the element's role.
_WP_POST = re.compile(r"(?:^| )(?:hentry|type-post|status-publish|post-\d+)(?= |$)")
_WP_TAXONOMY = re.compile(
    r"(?:^| )(?:tag|category|author|format|status|type|term|topic|post_tag|categories|tags|series|genre)-\S*"
)

_NOT_A_THREAD = re.compile(
    r"(recent|most|popular|latest|top-?comment|widget)|(?:comments?[-_]?(?:count|link|number|num|bubble))"
)

_cat_cache: dict[tuple[str, str], str | None] = {}


def _category(tag: str, sig: str) -> str | None:
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

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Leading XML declarations, however written (several, without the closing "?", after a BOM or spaces, or
# cut off): lxml refuses a str that starts with one naming an encoding, and our text is decoded already.
_XML_DECL = re.compile(r"(?:[\s\ufeff]*<\?xml[^>]*(?:>|\Z))+[\s\ufeff]*", re.I)
_TAG_RE = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][^\s/>]*)[^>]*>", re.S)
_VOID = _tags("area base br col embed hr img input link meta param source track wbr")
_MAX_DEPTH = 1000
# Control, zero-width and direction-control characters: invisible, and normalize_text drops them anyway.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]+"
)


def _parser() -> etree.HTMLParser:
    return etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True, no_network=True)


def _parse(html: str, source: str) -> etree._Element:
    """Parse forgivingly; nesting deeper than libxml2 allows is flattened instead of cut off."""
    if "\x00" in html:
        html = html.replace("\x00", "")
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
    return root


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
class _Frame:
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
    parent: _Frame | None
    chars: int = 0
    link_chars: int = 0
    first: int = -1
    last: int = -1
    good: float = 0.0
    articles: int = 0  # <article> elements with text below this one (a listing holds several)


@dataclass(slots=True, eq=False)
class _Seg:
    """A raw block: its whitespace-folded text and where in the tree it sits."""

    text: str
    tag: str
    frames: tuple[_Frame, ...]
    link_chars: int
    line: int | None
    inline_cat: str | None
    index: int


def _segments(root: etree._Element) -> list[_Seg]:
    """Walk the tree without recursion (pages can nest thousands deep) and cut its text into blocks."""
    segs: list[_Seg] = []
    stack: list[_Frame] = []
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
        seg = _Seg(
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
                tag in _SKIP_TAGS
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
                text_tag = ptag if ptag in _OVERRIDE or (tag in _GENERIC and ptag in _TEXT_ROLE) else tag
                ident = el.get("id")
                klass = el.get("class")
                sig = f"{ident or ''} {klass or ''}".lower() if ident or klass else ""
                if "\n" in sig or "\t" in sig:
                    sig = " ".join(sig.split())
                if "post" in sig and _WP_POST.search(sig):
                    sig = _WP_TAXONOMY.sub(" ", sig)
                cat = _category(tag, sig)
                role = el.get("role")
                if role is not None:
                    cat = _REGION_OF_ROLE.get(role.lower(), cat)
                itemprop = el.get("itemprop")
                hint = 0
                if itemprop is not None and itemprop.lower() in ("articlebody", "text", "reviewbody"):
                    hint = 2
                elif itemprop is not None and itemprop.lower() in ("author", "creator"):
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
                if sig and incom:
                    toks = sig.split()
                    citem = any(t in _COMMENT_ITEM or _COMMENT_ID.match(t) is not None for t in toks)
                    cchildren = any(t in _COMMENT_CHILDREN for t in toks)
                    if "depth-" in sig and (m := _COMMENT_DEPTH.search(sig)) is not None:
                        cdepth = int(m.group(1)) - 1
                        citem = True
                fr = _Frame(tag, text_tag, sig, cat, hint, citem, cchildren, incom, cdepth, parent)
                stack.append(fr)
                if tag == "pre":
                    pre += 1
            else:
                if tag == "a":
                    anchors += 1
                if tag in _INLINE_SIGNAL_TAGS:
                    icat = _inline_category(el, tag)
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


def _inline_category(el: etree._Element, tag: str) -> str | None:
    """Byline and date signals on inline elements: ``<a rel=author>``, ``<span class=byline>``, ``<time>``."""
    if tag == "time":
        return "time"
    rel = el.get("rel")
    if rel is not None and "author" in rel.lower():
        return "byline"
    itemprop = el.get("itemprop")
    if itemprop is not None:
        ip = itemprop.lower()
        if ip in ("author", "creator"):
            return "byline"
        if ip.startswith("date"):
            return "time"
    ident = el.get("id")
    klass = el.get("class")
    if not ident and not klass:
        return None
    cat = _category("span", f"{ident or ''} {klass or ''}".lower())
    return cat if cat in ("byline", "dateline", "time", "caption") else None


# ---------------------------------------------------------------------------------------------------
# Main-text selection
# ---------------------------------------------------------------------------------------------------

_PARA_TAGS = _tags("p div td blockquote pre section dd article li font span center body main dl")
_NOT_MAIN_CATS = frozenset(
    {
        "comments",
        "nav",
        "related",
        "aside",
        "footer",
        "header",
        "caption",
        "byline",
        "dateline",
        "time",
        "boiler",
    }
)
_NEVER_MAIN_TAGS = frozenset(
    {"h1", "button", "label", "legend", "option", "textarea", "input", "caption", "figcaption", "title"}
)
_WORD = re.compile(r"\w+")
_SUSPECT_LEVELS = 4


def _excluded(seg: _Seg, stop: _Frame | None = None) -> str | None:
    """The innermost non-main category among the block's ancestors below ``stop``."""
    for f in reversed(seg.frames):
        if f is stop:
            return None
        if f.cat is not None and f.cat in _NOT_MAIN_CATS:
            return f.cat
    return None


def _excluded_frame(seg: _Seg, stop: _Frame) -> _Frame | None:
    """The innermost ancestor below ``stop`` whose name says it is not body text."""
    for f in reversed(seg.frames):
        if f is stop:
            return None
        if f.cat is not None and f.cat in _NOT_MAIN_CATS:
            return f
    return None


def _suspect(seg: _Seg) -> bool:
    """A non-main category close above the block (far-up matches are usually page-wide wrappers)."""
    fr = seg.frames
    for k in range(len(fr) - 1, max(-1, len(fr) - 1 - _SUSPECT_LEVELS), -1):
        c = fr[k].cat
        if c is not None and c in _NOT_MAIN_CATS:
            return True
    return False


def _penalty(f: _Frame) -> float:
    """How much a candidate container's own name, or its near ancestors', says "not the article"."""
    g: _Frame | None = f
    for _ in range(4):
        if g is None:
            break
        if g.cat is not None and g.cat in _NOT_MAIN_CATS:
            return 0.2 if g is f or g.cat in ("comments", "related", "nav") else 0.5
        g = g.parent
    return 1.0


def _headline(segs: list[_Seg], title: str | None) -> int:
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
        if first_h1 < 0 and s.tag == "h1" and len(toks) >= 3 and _excluded(s) not in _PAGE_PARTS:
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
class _Judgement:
    """Where the extractor found the article: its container, the span it grew to, and the body blocks."""

    main: list[bool]
    container: _Frame | None = None
    scope: _Frame | None = None
    lo: int = 0
    hi: int = -1
    head: int = -1
    first: int = 0  # the article's whole extent (its <article>/<main> element, headline included)
    last: int = -1


def _select(segs: list[_Seg], title: str | None = None) -> _Judgement:
    """Judge which blocks are the article body: find the body's container, then drop boilerplate in it."""
    n = len(segs)
    good = [0.0] * n
    for s in segs:
        ln = len(s.text)
        nl = _weighted_len(s.text) - s.link_chars
        if nl < 25 or s.link_chars > 0.35 * ln or s.tag not in _PARA_TAGS:
            continue
        w = 1.0 + s.text.count(",") + s.text.count("，") + min(nl / 100.0, 3.0)
        if s.tag == "li":
            w *= 0.5
        if _suspect(s):
            w *= 0.1
        good[s.index] = w
        fr = s.frames
        k = len(fr) - 1
        if k >= 0 and (fr[k].tag not in _GENERIC or fr[k].first == fr[k].last):
            k -= 1  # a block that is a paragraph of its own scores for its parent
        for share in (1.0, 0.5, 1 / 3):
            if k < 0:
                break
            fr[k].good += w * share
            k -= 1
    cands: dict[int, _Frame] = {}
    arts: dict[int, _Frame] = {}
    for s in segs:
        for f in s.frames:
            if f.good > 0:
                cands[id(f)] = f
            if f.tag == "article" and f.good > 0:
                arts[id(f)] = f
    if not cands:
        return _Judgement([False] * n)
    for a in arts.values():
        up = a.parent
        while up is not None:
            up.articles += 1
            up = up.parent
    head = _headline(segs, title)
    first_good_after_head = next((i for i in range(head + 1, n) if good[i] >= 1.0), n) if head >= 0 else n

    def score(f: _Frame) -> float:
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
        if first.tag in _HEADINGS and first.frames[-1].cat == "related":
            sc *= 0.2  # a "related stories" box that starts with its own heading
        return sc

    best = max(cands.values(), key=score)
    lo, hi, scope = _extend(segs, best, head, good)
    main = _filter(segs, scope, lo, hi, head, good)
    first, last = lo, hi
    g: _Frame | None = best
    for _ in range(6):
        if g is None or g.tag in ("body", "html"):
            break
        if g.tag == "article" or g.tag == "main":
            first, last = min(first, g.first), max(last, g.last)
            break
        g = g.parent
    return _Judgement(main, best, scope, lo, hi, head, first, last)


_STOP_CATS = frozenset({"related", "comments", "footer", "nav", "byline"})
_EXTEND_LEVELS = 5
_PAGE_PARTS = frozenset({"nav", "header", "footer"})


def _extend(segs: list[_Seg], best: _Frame, head: int, good: list[float]) -> tuple[int, int, _Frame]:
    """Grow the body past its container when more of it follows in sibling containers (split by ads).

    Walks the blocks after (and before) the container inside an ancestor a few levels up, and takes
    them up to the last paragraph-like block met before anything that ends an article (a related
    list, comments, a footer, an author box, a run of links).
    """
    scope = best
    for _ in range(_EXTEND_LEVELS):
        p = scope.parent
        if p is None or p.tag in ("body", "html") or (p.cat is not None and p.cat in _NOT_MAIN_CATS):
            break
        # a page-level wrapper (it holds the site's menus or footer) is too wide to grow into
        outside = [*range(p.first, scope.first), *range(scope.last + 1, p.last + 1)]
        if any(_excluded(segs[i], p) in _PAGE_PARTS for i in outside):
            break
        scope = p
    if scope is best:
        return best.first, best.last, best

    def walk(rng: range) -> int:
        reach = -1
        links = 0
        for i in rng:
            s = segs[i]
            ex = _excluded_frame(s, scope)
            if ex is not None:
                if ex.cat in _STOP_CATS and (ex.chars >= 40 or s.tag in _HEADINGS):
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


def _filter(segs: list[_Seg], scope: _Frame, lo: int, hi: int, head: int, good: list[float]) -> list[bool]:
    """The blocks in ``lo..hi`` that are body text: no boilerplate parts, headline, or link lists."""
    main = [False] * len(segs)
    start = lo
    if start <= head <= hi and not any(good[start:head]):
        start = head + 1  # kickers and breadcrumbs above the headline
    for i in range(start, hi + 1):
        s = segs[i]
        if s.tag in _NEVER_MAIN_TAGS or _excluded(s, scope) is not None:
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
            if good[i] > 0 or (segs[i].tag in _HEADINGS and order is idx):
                break
            if _weighted_len(t) >= 100:
                break
            main[i] = False
    return main


# A dateline or timestamp: a year, a clock time or a numeric date.
_DATELIKE = re.compile(r"\b(?:19|20)\d\d\b|\b\d{1,2}:\d\d\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b")
_WIDE = re.compile(r"[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def _weighted_len(text: str) -> int:
    """Length with CJK characters counted three times: one of them carries about a word."""
    if text.isascii():
        return len(text)
    return len(text) + 2 * len(_WIDE.findall(text))


def _page_title(root: etree._Element) -> str | None:
    """og:title, else <title>: what the page says its headline is."""
    head = root.find("head")
    if head is None:
        return None
    title = None
    for el in head:
        tag = el.tag
        if tag == "meta":
            prop = el.get("property") or el.get("name")
            if prop is not None and prop.lower() in ("og:title", "twitter:title"):
                content = el.get("content")
                if content and content.strip():
                    return " ".join(content.split())
        elif tag == "title" and title is None and el.text:
            title = " ".join(el.text.split())
    return title or None


def extract_main_text(html: str) -> str:
    """The article body only (no headline, navigation, related links, comments or footer).

    The same judgement ``read_html`` records as ``Block.main``; an empty or unreadable page has no body
    and gives ``""``.
    """
    try:
        root = _parse(html, "<html>")
    except InputError:
        return ""
    title = _page_title(root)
    segs = _segments(root)
    main = _select(segs, title).main
    return "\n\n".join(s.text for s, m in zip(segs, main, strict=True) if m)


# ---------------------------------------------------------------------------------------------------
# Regions, comment depth and metadata for read_html
# ---------------------------------------------------------------------------------------------------

_REGION_OF_CAT = {
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


def _ancestors_of(frame: _Frame | None) -> set[int]:
    out: set[int] = set()
    f = frame
    while f is not None:
        out.add(id(f))
        f = f.parent
    return out


def _region(seg: _Seg, judged: _Judgement, above: set[int]) -> tuple[str | None, int, int | None]:
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
            region = "comments" if f.incom else _REGION_OF_CAT[f.cat]
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
        return region, _comment_depth(seg), group
    if region == "caption":
        for f in seg.frames:
            if f.cat == "caption" and id(f) not in above:
                group = id(f)
                break
        return region, 0, group
    if region is None and seg.inline_cat is not None:
        region = _REGION_OF_CAT[seg.inline_cat]
    if region is None and judged.first <= seg.index <= judged.last:
        region = "main"
    return region, 0, group


def _comment_depth(seg: _Seg) -> int:
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


_ISO_DATE = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_PUBLISHED_META = frozenset(
    {
        "article:published_time",
        "og:published_time",
        "datepublished",
        "pubdate",
        "publishdate",
        "publish-date",
        "publish_date",
        "date",
        "dc.date",
        "dc.date.issued",
        "dcterms.created",
        "sailthru.date",
        "parsely-pub-date",
        "article.published",
        "published_time",
        "cxenseparse:recs:publishtime",
    }
)
_JSONLD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]{8,40})"')


def _iso_date(value: str | None) -> str | None:
    """``YYYY-MM-DD`` from the start of an ISO-like timestamp, or None when it is not a real date."""
    if not value:
        return None
    m = _ISO_DATE.match(value)
    if m is None:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1990 <= y <= 2100 and 1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](\d{1,2}|[a-z]{3})[/-](\d{1,2})(?=[/._-]|$)", re.I)
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, 1)}


def _url_date(url: str | None) -> str | None:
    """The date many news sites put in their article paths (``/2019/11/19/``, ``/2019/nov/18/``)."""
    if not url:
        return None
    m = _URL_DATE.search(url)
    if m is None:
        return None
    month = m.group(2).lower()
    mo = _MONTHS.get(month, 0) if month.isalpha() else int(month)
    return _iso_date(f"{m.group(1)}-{mo}-{m.group(3)}")


def _htmldate(html: str) -> str | None:
    """Last resort: htmldate's search of the page (about 5 ms, so only when nothing else said)."""
    try:
        from htmldate import find_date

        found = find_date(html, extensive_search=False, original_date=False, outputformat="%Y-%m-%d")
    except Exception:  # a date is a nicety: never lose a page to the date finder
        return None
    return _iso_date(found) if isinstance(found, str) else None


@dataclass(slots=True)
class _Meta:
    title: str | None = None  # og:title, else <title>
    tab_title: str | None = None  # <title> as the browser shows it
    url: str | None = None
    published: str | None = None  # from metadata that says "published": meta tags, JSON-LD, itemprop
    first_time: str | None = None  # the first <time datetime> on the page: a weaker hint


def _metadata(root: etree._Element) -> _Meta:
    """Title, canonical URL and publication date from the page's head and its structured data."""
    meta = _Meta()
    og_title = og_url = canonical = None
    for el in root.iter("meta", "link", "title", "script", "time"):
        tag = el.tag
        if tag == "meta":
            key = (el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
            content = el.get("content")
            if not key or not content:
                continue
            if key == "og:title" and og_title is None:
                og_title = " ".join(content.split())
            elif key == "og:url" and og_url is None:
                og_url = content.strip()
            elif meta.published is None and key in _PUBLISHED_META:
                meta.published = _iso_date(content)
        elif tag == "link":
            if canonical is None and (el.get("rel") or "").lower() == "canonical" and el.get("href"):
                canonical = (el.get("href") or "").strip()
        elif tag == "title":
            if meta.tab_title is None and el.text and el.text.strip():
                meta.tab_title = " ".join(el.text.split())
        elif tag == "script":
            if meta.published is None and (el.get("type") or "").lower() == "application/ld+json" and el.text:
                m = _JSONLD_DATE.search(el.text)
                if m is not None:
                    meta.published = _iso_date(m.group(1))
        elif meta.published is None:  # <time>
            value = _iso_date(el.get("datetime") or el.get("content"))
            if value is not None:
                if (el.get("itemprop") or "").lower() == "datepublished":
                    meta.published = value
                elif meta.first_time is None:
                    meta.first_time = value
    meta.title = og_title or meta.tab_title
    meta.url = canonical or og_url
    return meta


# ---------------------------------------------------------------------------------------------------
# Decoding bytes
# ---------------------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]{0,400}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]{2,40})""", re.I)
# WHATWG: these labels mean windows-1252 (and friends) in real pages.
_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "latin5": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "x-sjis": "shift_jis",
    "shift-jis": "shift_jis",
    "windows-31j": "cp932",
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
    "utf8": "utf-8",
}
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _codec(label: str) -> str | None:
    import codecs

    name = _CHARSET_ALIASES.get(label.lower(), label.lower())
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes, source: str) -> str:
    """Decode page bytes: byte-order mark, then the page's own <meta charset> / http-equiv declaration,
    then strict UTF-8, then charset-normalizer's guess.

    A declaration that does not fit the bytes is not trusted (pages often lie); an undecodable page is
    read with replacement characters rather than rejected, since most of its text is still useful.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(enc, errors="replace")
    declared = None
    m = _META_CHARSET.search(data, 0, 8192)
    if m is not None:
        declared = _codec(m.group(1).decode("ascii", errors="ignore"))
    if declared is not None:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except Exception as e:  # pragma: no cover - the detector should not fail, but never lose a page to it
        raise InputError(source, f"cannot detect the character encoding ({e})") from e
    if best is not None:
        return str(best)
    return data.decode(declared or "cp1252", errors="replace")


# ---------------------------------------------------------------------------------------------------
# Public readers
# ---------------------------------------------------------------------------------------------------


def _span_map(offsets: OffsetMap, raw_start: int, raw_end: int) -> tuple[int, int]:
    """Normalised ``(start, end)`` of the raw span ``[raw_start, raw_end)`` (the inverse of the map)."""
    return _inverse(offsets, raw_start), _inverse(offsets, raw_end)


def _inverse(offsets: OffsetMap, orig: int) -> int:
    """Smallest normalised offset whose original position is at or after ``orig``."""
    if orig >= offsets.orig_length:
        return offsets.norm_length
    runs = offsets.orig_starts
    i = bisect.bisect_right(runs, orig) - 1
    if i < 0:
        return 0
    norm = offsets.norm_starts[i]
    run_end = offsets.norm_starts[i + 1] if i + 1 < len(runs) else offsets.norm_length
    if offsets.linear[i]:
        return min(norm + (orig - runs[i]), run_end)
    return norm if orig == runs[i] else run_end


def read_html(html: str | bytes, *, doc_id: str, source: str, url: str | None = None) -> Document:
    """Read an HTML page: its whole visible text as typed blocks, normalised, with the body marked.

    Raises ``InputError`` only for a page with no readable text at all (empty, or markup only).
    """
    if isinstance(html, bytes):
        html = decode_html(html, source)
    root = _parse(html, source)
    meta = _metadata(root)
    segs = _segments(root)
    judged = _select(segs, _page_title(root))  # exactly what extract_main_text judges
    above = _ancestors_of(judged.container.parent if judged.container is not None else None)
    if judged.scope is not None:
        above |= _ancestors_of(judged.scope)
    if judged.container is not None:
        above.add(id(judged.container))

    pieces: list[str] = []
    raw: list[tuple[int, int, str, str | None, int, bool, int | None, int | None]] = []
    groups: dict[int, int] = {}
    pos = 0

    def put(
        text: str, tag: str, region: str | None, depth: int, main: bool, line: int | None, group: int | None
    ) -> None:
        nonlocal pos
        if pieces:
            pieces.append("\n\n")
            pos += 2
        pieces.append(text)
        number = None if group is None else groups.setdefault(group, len(groups))
        raw.append((pos, pos + len(text), tag, region, depth, main, line, number))
        pos += len(text)

    if meta.tab_title:
        title_el = root.find(".//title")
        line = title_el.sourceline if title_el is not None else None
        put(meta.tab_title, "title", None, 0, False, line, None)
    for s in segs:
        region, depth, group = _region(s, judged, above)
        put(s.text, s.tag, region, depth, judged.main[s.index], s.line, group)
    if not raw:
        raise InputError(source, "no visible text")
    joined = "".join(pieces)
    text, offsets = normalize_text(joined)
    blocks: list[Block] = []
    for start, end, tag, region, depth, main, line, group in raw:
        a, b = _span_map(offsets, start, end)
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            blocks.append(Block(a, b, tag, region, depth, main, line, group))
    if not blocks:
        raise InputError(source, "no visible text")
    h1 = next((segs[i].text for i in range(len(segs)) if segs[i].tag == "h1"), None)
    published = meta.published or _url_date(url or meta.url) or meta.first_time or _htmldate(html)
    return Document(
        id=doc_id,
        text=text,
        url=url or meta.url,
        outlet=None,
        title=meta.title or h1,
        published=published,
        source=source,
        format="html",
        offsets=offsets,
        blocks=tuple(blocks),
        annotated=frozenset({"text", "blocks"}),
    )
