"""The document view: overlapping stand-off spans become runs without losing or repeating a character."""

from __future__ import annotations

import socket
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from newstrace.web import charts, docview
from newstrace.web.cli import bind
from newstrace.web.safety import clean, external_url


def _key(name: str) -> str:
    return name.lower().replace(" ", "-")


def _all_runs(view: docview.DocumentView) -> list[tuple[int, list[docview.Run]]]:
    out = [(b.start, b.runs) for b in view.blocks]
    stack = list(view.comments)
    while stack:
        c = stack.pop()
        out.append((c.start, c.runs))
        stack.extend(c.children)
    return sorted(out, key=lambda x: x[0])


@st.composite
def documents(draw: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    words = draw(
        st.lists(
            st.sampled_from(["alpha", "beta", "<b>", "“q”", "\u202e", "x\ny", "  "]), min_size=1, max_size=40
        )
    )
    text = " ".join(words)
    n = len(text)
    cuts = sorted(set(draw(st.lists(st.integers(0, n), max_size=6))) | {0, n})
    layers: list[dict[str, Any]] = []
    comments: list[dict[str, Any]] = []
    for i, (a, b) in enumerate(zip(cuts[:-1], cuts[1:], strict=True)):
        if b <= a:
            continue
        if draw(st.booleans()) and i > 0:
            cid = len(comments) + 1
            parent = draw(st.sampled_from([None, *[c["id"] for c in comments]]))
            comments.append(
                {"id": cid, "parent": parent, "number": str(cid), "author": None, "start": a, "end": b}
            )
            layers.append({"kind": "comment", "start": a, "end": b, "comment": cid})
        else:
            layers.append(
                {
                    "kind": draw(st.sampled_from(["body", "caption", "editor_note", "weird<kind>"])),
                    "start": a,
                    "end": b,
                    "outlet": None,
                    "author": None,
                    "comment": None,
                }
            )

    def span() -> tuple[int, int]:
        a = draw(st.integers(0, n))
        return a, draw(st.integers(a, n))

    quotes = []
    for _ in range(draw(st.integers(0, 4))):
        a, b = span()
        quotes.append(
            {"start": a, "end": b, "text": text[a:b], "speaker": draw(st.sampled_from([None, "Ann Lee"]))}
        )
    entities = [
        {
            "id": "e1",
            "name": "Ann Lee",
            "type": "person",
            "mentions": [
                dict(zip(("start", "end"), span(), strict=True)) for _ in range(draw(st.integers(0, 3)))
            ],
        }
    ]
    passages = []
    for _ in range(draw(st.integers(0, 3))):
        a, b = span()
        passages.append(
            {
                "doc_id": "d",
                "start": a,
                "end": b,
                "other_id": "o",
                "other_start": 5,
                "other_end": 9,
                "similarity": 1.0,
                "kind": "copy",
            }
        )
    doc = {
        "id": "d",
        "text": text,
        "layers": layers,
        "comments": comments,
        "quotes": quotes,
        "entities": entities,
    }
    return doc, passages


@settings(max_examples=300, deadline=None, derandomize=True)
@given(documents())
def test_every_character_is_shown_once_in_order(case: tuple[dict[str, Any], list[dict[str, Any]]]) -> None:
    doc, passages = case
    view = docview.layout(doc, passages, {"o": {"title": "Origin", "outlet": "AP"}}, _key)
    text = doc["text"]
    shown = "".join(r.text for _, runs in _all_runs(view) for r in runs if r.t == "text")
    covered = "".join(text[x["start"] : x["end"]] for x in sorted(doc["layers"], key=lambda x: x["start"]))
    assert shown == clean(covered)
    ids = [r.id for _, runs in _all_runs(view) for r in runs if r.t == "anchor"]
    assert len(ids) == len(set(ids))
    for q in doc["quotes"]:
        assert f"q{q['start']}" in ids
    for p in passages:
        assert f"c{p['start']}" in ids
    assert all(b.kind in ("body", "caption", "editor_note", "other") for b in view.blocks)
    assert view.comment_count == len(doc["comments"])


def test_runs_carry_their_annotations() -> None:
    text = "Ann Lee said “we win” today. Copied part here."
    q0 = text.index("we win")
    c0 = text.index("Copied")
    doc = {
        "id": "d",
        "text": text,
        "layers": [{"kind": "body", "start": 0, "end": len(text), "outlet": "AP"}],
        "quotes": [{"start": q0, "end": q0 + 6, "text": "we win", "speaker": "Ann Lee"}],
        "entities": [{"name": "Ann Lee", "type": "person", "mentions": [{"start": 0, "end": 7}]}],
    }
    passages = [
        {
            "doc_id": "d",
            "start": c0,
            "end": len(text),
            "other_id": "src/1",
            "other_start": 40,
            "other_end": 58,
            "similarity": 0.9,
            "kind": "copy",
        }
    ]
    view = docview.layout(doc, passages, {"src/1": {"outlet": "Reuters"}}, _key)
    runs = view.blocks[0].runs
    ent = next(r for r in runs if r.t == "text" and "entity" in r.cls)
    assert ent.text == "Ann Lee" and ent.href == "/entities/ann-lee"
    speaker = next(r for r in runs if r.t == "speaker")
    assert speaker.text == "Ann Lee" and speaker.href == "/entities/ann-lee"
    quote = next(r for r in runs if r.t == "text" and "quote" in r.cls)
    assert quote.text == "we win"
    badge = next(r for r in runs if r.t == "copy")
    assert badge.href == "/documents/src/1#c40" and badge.text == "copied from Reuters"
    copied = next(r for r in runs if r.t == "text" and "copied" in r.cls)
    assert copied.text == "Copied part here."
    # The badge comes right before the passage it announces.
    assert runs[runs.index(badge) + 1] == copied


def test_deep_comment_threads_are_capped() -> None:
    n = 200
    text = "\n".join(f"comment {i}" for i in range(n))
    comments, start = [], 0
    for i in range(n):
        end = start + len(f"comment {i}")
        comments.append({"id": i + 1, "parent": i or None, "start": start, "end": end})
        start = end + 1
    doc = {"id": "d", "text": text, "layers": [], "comments": comments}
    view = docview.layout(doc, [], {}, _key)
    depth, node = 0, view.comments[0]
    while node.children:
        node = node.children[0]
        depth += 1
    assert depth == docview.MAX_COMMENT_DEPTH
    assert view.comment_count == n


def test_unsafe_text_is_cleaned_and_only_web_urls_are_linked() -> None:
    assert clean("a\u202eb\u2066c\u2069d\x00e\x1bf\ng") == "abcdef\ng"
    assert external_url("https://example.org/x") == "https://example.org/x"
    for bad in (
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,x",
        "//evil.example/x",
        "vbscript:x",
        "https://exa mple.org",
        "http://",
        None,
        "",
    ):
        assert external_url(bad) is None


def test_charts_put_undated_items_apart_and_draw_copies() -> None:
    docs: list[dict[str, Any]] = [
        {"id": "a", "outlet": "AP", "date": "2020-01-01", "title": "A"},
        {"id": "b", "outlet": "RT", "date": "2020-01-05", "title": "B", "is_copy": True},
        {"id": "c", "outlet": None, "date": None, "title": "C"},
    ]
    chart = charts.timeline(docs, [{"date": "2020-01-03", "text": "x", "doc_id": "a"}], ["AP", "RT"])
    xs = {m.href: m.x for m in chart.marks}
    assert xs["/documents/a"] < xs["/documents/b"] < xs["/documents/c"]
    assert any(t.text == "undated" for t in chart.ticks)
    cmap = charts.copy_map(docs, [{"doc_id": "b", "origin_id": "a"}])
    assert len(cmap.edges) == 1 and cmap.edges[0].d.startswith("M")
    assert charts.parse_day("2020-02-30") is None and charts.parse_day("2020-02") is not None


def test_the_listening_socket_is_tcp() -> None:
    """asyncio sets TCP_NODELAY only on sockets that say IPPROTO_TCP (else keep-alive answers stall)."""
    sock = bind("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
        assert sock.getsockname()[0] == "127.0.0.1"
    finally:
        sock.close()
