"""Long pages: the language stages run window by window, the results are the page's own, and memory
does not grow with the page."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from newstrace.analysis.windows import run_windowed, windows
from newstrace.analyze import anatomy_pipeline, language_pipeline
from newstrace.ingest import read_bytes

from ..conftest import SEED


def _seed_times(n: int) -> str:
    text = SEED.read_text(encoding="utf-8")
    return "\n\n".join([text] * n)


def test_windows_cover_the_text_at_paragraph_breaks() -> None:
    text = _seed_times(3)
    spans = list(windows(text, 8_000))
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert all(e - s <= 8_000 for s, e in spans)
    assert all(text[e - 1] == "\n" for _, e in spans[:-1])


def test_a_page_analysed_in_windows_keeps_every_quote_and_speaker_in_page_offsets() -> None:
    text = _seed_times(2)
    doc = anatomy_pipeline()(read_bytes(text.encode("utf-8"), "twice.txt")[0])
    whole = language_pipeline()(doc)
    parts = run_windowed(language_pipeline(), doc, size=len(text) // 2 + 200)
    assert len(list(windows(text, len(text) // 2 + 200))) >= 2
    assert parts.parse is None  # no window's parse outlives it
    # every quote is where it says, and the windows find what the whole page finds (a window can't
    # see a name in the window before it, so allow a little less)
    for q in parts.quotes:
        assert parts.text[q.start : q.end] == q.text
    assert len(parts.quotes) >= 0.9 * len(whole.quotes)
    putin_whole = {(q.start, q.end) for q in whole.quotes if q.speaker and "Putin" in q.speaker}
    putin_parts = {(q.start, q.end) for q in parts.quotes if q.speaker and "Putin" in q.speaker}
    assert putin_parts and len(putin_parts & putin_whole) >= 0.9 * len(putin_whole)
    # entities of both windows merged: one Putin, mentioned in both halves, ids consistent
    by_id = {e.id: e for e in parts.entities}
    assert len(by_id) == len(parts.entities)
    putins = [e for e in parts.entities if e.name.endswith("Putin")]
    assert len(putins) == 1
    half = len(text) // 2
    assert any(m.start < half for m in putins[0].mentions) and any(m.start > half for m in putins[0].mentions)
    for q in parts.quotes:
        if q.speaker_entity:
            assert by_id[q.speaker_entity].name == q.speaker
    for d in parts.dates:
        assert parts.text[d.start : d.end] == d.text
    for v in parts.events:
        assert 0 <= v.start < v.end <= len(parts.text)


def _peak_mb(path: Path) -> float:
    proc = subprocess.Popen([sys.executable, "-m", "newstrace", "analyze", str(path), "--json"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return usage.ru_maxrss / 1024


def test_a_long_page_takes_no_more_memory_than_twice_a_short_one(tmp_path: Path) -> None:
    """400 KB of ordinary prose peaked at 1.39 GB (the whole page was parsed as one batch); a 10 KB page
    takes about 200 MB, nearly all of it the language model."""
    sentence = "The minister resigned on Tuesday. "
    short, long = tmp_path / "short.txt", tmp_path / "long.txt"
    short.write_text(sentence * (10_000 // len(sentence)), encoding="utf-8")
    long.write_text(sentence * (408_000 // len(sentence)), encoding="utf-8")
    assert _peak_mb(long) < 2 * _peak_mb(short)
