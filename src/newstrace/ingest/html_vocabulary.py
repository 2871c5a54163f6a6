"""The words that name parts of a news page in its markup, read from ``data/html_vocabulary.json``.

The lists (id/class words per page part, article-body names, comment markup, WordPress classes, meta
names of a publication date) live in the data file so that they can be reviewed and extended without
touching code; this module only turns them into regexes and sets, once per process.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

_B = r"(?:^|(?<=[^a-z0-9]))"  # a word starts here (start of sig, or after a separator)
_E = r"(?=[^a-z0-9]|$)"  # a word ends here


def words(exact: str = "", word: str = "", prefix: str = "") -> re.Pattern[str]:
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


def _pattern(spec: dict[str, Any]) -> re.Pattern[str]:
    """``words`` from a data-file entry whose ``exact``/``word``/``prefix`` are lists of alternatives."""
    return words(*("|".join(spec.get(k, ())) for k in ("exact", "word", "prefix")))


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The compiled vocabulary (see the data file's ``about`` for what each list means)."""

    categories: tuple[tuple[str, re.Pattern[str]], ...]  # order matters: the first match names the element
    main_hint: re.Pattern[str]
    strong_hint: re.Pattern[str]
    body_itemprops: frozenset[str]
    author_itemprops: frozenset[str]
    region_of_tag: dict[str, str]
    region_of_role: dict[str, str]
    comment_item: frozenset[str]
    comment_children: frozenset[str]
    not_a_thread: re.Pattern[str]  # group 1: a listing of other pages' comments; else a comment counter
    wp_post: re.Pattern[str]
    wp_taxonomy: re.Pattern[str]
    published_meta: frozenset[str]
    comment_author: re.Pattern[str]  # inside one comment: the element naming who wrote it
    comment_date: re.Pattern[str]  # inside one comment: the element saying when
    comment_part: re.Pattern[str]  # inside one comment: its text, header or actions (not an item)
    comment_actions: re.Pattern[str]  # inside one comment: its buttons (reply, report, votes)
    comment_linkback: re.Pattern[str]  # an item that is a pingback/trackback, not a reader's comment
    site_wide_titles: re.Pattern[str]  # titles of link lists about the whole site ("Most read")
    site_wide_words: re.Pattern[str]  # their id/class words
    adjacent_posts: re.Pattern[str]  # the previous/next article links


@cache
def vocabulary() -> Vocabulary:
    """The vocabulary, read and compiled once."""
    text = resources.files("newstrace").joinpath("data/html_vocabulary.json").read_text(encoding="utf-8")
    raw = json.loads(text)
    thread = raw["not_a_thread"]
    # WordPress's post_class() adds the post's taxonomy ("tag-trending", "category-top-stories") to the
    # article element; those words name the post's topics, not the element's role.
    wp_post = "|".join(raw["wordpress_post"])
    wp_taxonomy = "|".join(raw["wordpress_taxonomy"])
    return Vocabulary(
        categories=tuple((c["name"], _pattern(c)) for c in raw["categories"]),
        main_hint=_pattern(raw["main_hint"]),
        strong_hint=_pattern(raw["strong_hint"]),
        body_itemprops=frozenset(raw["body_itemprops"]),
        author_itemprops=frozenset(raw["author_itemprops"]),
        region_of_tag=dict(raw["region_of_tag"]),
        region_of_role=dict(raw["region_of_role"]),
        comment_item=frozenset(raw["comment_item"]),
        comment_children=frozenset(raw["comment_children"]),
        not_a_thread=re.compile(
            f"({'|'.join(thread['listing'])})|(?:comments?[-_]?(?:{'|'.join(thread['counter'])}))"
        ),
        wp_post=re.compile(rf"(?:^| )(?:{wp_post}|post-\d+)(?= |$)"),
        wp_taxonomy=re.compile(rf"(?:^| )(?:{wp_taxonomy})-\S*"),
        published_meta=frozenset(raw["published_meta"]),
        comment_author=_pattern(raw["comment_author"]),
        comment_date=_pattern(raw["comment_date"]),
        comment_part=_pattern(raw["comment_part"]),
        comment_actions=_pattern(raw["comment_actions"]),
        comment_linkback=_pattern(raw["comment_linkback"]),
        site_wide_titles=re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(t) for t in raw["site_wide_lists"]["titles"]) + r")(?!\w)"
        ),
        site_wide_words=words(word="|".join(raw["site_wide_lists"]["words"])),
        adjacent_posts=_pattern(raw["adjacent_posts"]),
    )
