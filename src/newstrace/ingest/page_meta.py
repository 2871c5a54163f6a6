"""Page metadata: the title the page gives itself, its canonical URL and its publication date.

The date comes from what says "published" (meta tags, JSON-LD, ``itemprop``), else the article's URL,
else the first ``<time>``, else htmldate's search of the page (the caller picks in that order).
"""

from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from .html_vocabulary import vocabulary


def page_title(root: etree._Element) -> str | None:
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


_ISO_DATE = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_PUBLISHED_META = vocabulary().published_meta
_JSONLD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]{8,40})"')


def iso_date(value: str | None) -> str | None:
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


def url_date(url: str | None) -> str | None:
    """The date many news sites put in their article paths (``/2019/11/19/``, ``/2019/nov/18/``)."""
    if not url:
        return None
    m = _URL_DATE.search(url)
    if m is None:
        return None
    month = m.group(2).lower()
    mo = _MONTHS.get(month, 0) if month.isalpha() else int(month)
    return iso_date(f"{m.group(1)}-{mo}-{m.group(3)}")


def htmldate(html: str) -> str | None:
    """Last resort: htmldate's search of the page (about 5 ms, so only when nothing else said)."""
    try:
        from htmldate import find_date

        found = find_date(html, extensive_search=False, original_date=False, outputformat="%Y-%m-%d")
    except Exception:  # a date is a nicety: never lose a page to the date finder
        return None
    return iso_date(found) if isinstance(found, str) else None


@dataclass(slots=True)
class Meta:
    title: str | None = None  # og:title, else <title>
    tab_title: str | None = None  # <title> as the browser shows it
    url: str | None = None
    published: str | None = None  # from metadata that says "published": meta tags, JSON-LD, itemprop
    first_time: str | None = None  # the first <time datetime> on the page: a weaker hint
    description: str | None = None  # meta description, else og:description


def metadata(root: etree._Element) -> Meta:
    """Title, canonical URL and publication date from the page's head and its structured data."""
    meta = Meta()
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
            elif key in ("description", "og:description") and content.strip():
                if meta.description is None or key == "description":
                    meta.description = " ".join(content.split())
            elif meta.published is None and key in _PUBLISHED_META:
                meta.published = iso_date(content)
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
                    meta.published = iso_date(m.group(1))
        elif meta.published is None:  # <time>
            value = iso_date(el.get("datetime") or el.get("content"))
            if value is not None:
                if (el.get("itemprop") or "").lower() == "datepublished":
                    meta.published = value
                elif meta.first_time is None:
                    meta.first_time = value
    meta.title = og_title or meta.tab_title
    meta.url = canonical or og_url
    return meta


_LD_TYPES = ("application/ld+json",)
_BREAK = re.compile(r"<br\s*/?>|</(?:p|div|li|h[1-6]|blockquote|tr)\s*>", re.I)
_MARKUP = re.compile(r"<[^>]*>")


def article_body(root: etree._Element) -> str | None:
    """The longest ``articleBody`` of the page's JSON-LD, as plain text (tags and entities resolved)."""
    best = ""
    for el in root.iter("script"):
        if (el.get("type") or "").lower().strip() not in _LD_TYPES or not el.text:
            continue
        if "articleBody" not in el.text:
            continue
        try:
            data = json.loads(el.text)
        except ValueError:
            continue
        for value in _values(data, "articleBody"):
            if len(value) > len(best):
                best = value
    if not best.strip():
        return None
    if "<" in best:
        best = _MARKUP.sub("", _BREAK.sub("\n", best))
    text = html_lib.unescape(best)
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line) or None


def _values(data: object, key: str) -> Iterator[str]:
    """Every string value of ``key`` anywhere in a JSON document (``@graph`` lists, nested objects)."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for k, v in item.items():
                if k == key and isinstance(v, str):
                    yield v
                elif isinstance(v, dict | list):
                    stack.append(v)
        elif isinstance(item, list):
            stack.extend(item)
