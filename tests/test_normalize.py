from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newstrace.normalize import normalize_text


def test_folds_spaces_and_line_endings() -> None:
    text, m = normalize_text("a\r\nb  \tc\u200bd  \nE\u0301x\n\n\n\n\ny")
    assert text == "a\nb cd\nÉx\n\n\ny"
    assert m.to_original(text.index("c")) == 7
    assert m.to_original(text.index("É")) == 13
    assert m.to_original(text.index("y")) == 21


def test_keeps_indentation_and_nbsp_becomes_space() -> None:
    text, _ = normalize_text("  1. one\xa0two\n    • reply")
    assert text == "  1. one two\n    • reply"


def test_strips_bidi_controls() -> None:
    text, _ = normalize_text("abc\u202edef\u2066g")
    assert text == "abcdefg"


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200))
def test_map_is_monotone_and_in_range(raw: str) -> None:
    text, m = normalize_text(raw)
    prev = 0
    for i in range(len(text)):
        o = m.to_original(i)
        assert prev <= o < len(raw)
        prev = o
    s, e = m.span_to_original(0, len(text))
    assert 0 <= s <= e <= len(raw)


@given(st.text(alphabet="ab \t\n\r\xa0", max_size=100))
def test_linear_runs_point_at_same_char(raw: str) -> None:
    text, m = normalize_text(raw)
    for i, ch in enumerate(text):
        if ch in "ab":
            assert raw[m.to_original(i)] == ch
