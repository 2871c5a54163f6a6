"""Property: on any page, layers tile the text and every offset slices the text it claims."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newstrace.analyze import analyze_document
from newstrace.ingest.text import read_text

_words = st.sampled_from(
    ["the", "Minister", "said", "on", "Monday", "MOSCOW,", "(AP)", "—", "Reuters", "“quote”", "[", "]",
     "Editor’s", "Note:", "1.", "•", "Comments", "closed.", "©", "2016", "March", "14.", "/TASS/.",
     "by", "By"]
)
_line = st.one_of(
    st.lists(_words, min_size=1, max_size=40).map(" ".join),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60),
)
_indent = st.sampled_from(["", "  ", "    ", "      ", "\t"])
_end = st.sampled_from(["\n", "\n\n", "\n\n\n", "\r\n"])
_page = st.lists(st.tuples(_indent, _line, _end), max_size=40).map(
    lambda rows: "".join(i + line + end for i, line, end in rows)
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_page)
def test_layers_tile_and_offsets_slice(raw: str) -> None:
    doc = analyze_document(read_text(raw, doc_id="p", source="hypothesis"))
    text = doc.text
    covered = [0] * len(text)
    prev = 0
    for layer in doc.layers:
        assert prev <= layer.start < layer.end <= len(text)
        assert not text[layer.start].isspace() and not text[layer.end - 1].isspace()
        prev = layer.end
        for i in range(layer.start, layer.end):
            covered[i] += 1
    for i, ch in enumerate(text):
        if not ch.isspace():
            assert covered[i] == 1
    for c in doc.comments:
        assert 0 <= c.start < c.end <= len(text)
        assert c.parent is None or c.parent < c.id
        assert any(x.comment == c.id and x.start == c.start and x.end == c.end for x in doc.layers)
    for cr in doc.credits:
        assert 0 <= cr.start < cr.end <= len(text)
    # The offset map points back into the raw input.
    for i in range(0, len(text), 7):
        o = doc.offsets.to_original(i)
        assert 0 <= o < max(1, len(raw))
