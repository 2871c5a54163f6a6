"""The command line: the terminal view, the JSON contract, and errors that name their input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newstrace.cli import main
from newstrace.errors import InputError

from .conftest import SEED


def test_analyze_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(SEED), "--json"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    doc = json.loads(out[0])
    assert doc["schema"] == "newstrace.document/1"
    assert doc["id"] == "000_61ee9dba41562d1b"
    for key in ("url", "outlet", "title", "published", "text", "layers", "comments", "credits", "quotes",
                "entities", "dates"):
        assert key in doc
    text = doc["text"]
    for layer in doc["layers"]:
        assert set(layer) == {"kind", "start", "end", "outlet", "author", "comment"}
        assert text[layer["start"] : layer["end"]].strip()
    assert len(doc["comments"]) == 26


def test_analyze_terminal_view(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert "headline" in out and "outlet=RT" in out and "outlet=TASS" in out
    assert "Comments (26: 20 top-level, 6 replies)" in out
    assert "editor_note" in out and "author=Jim W. Dean" in out


def test_terminal_view_escapes_control_characters(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "hostile.txt"
    page.write_text("Headline \x1b[31mred\x1b[0m here\n\nA body paragraph that is long enough to be prose, "
                    "with more than twelve words in it to count.\n", encoding="utf-8")
    assert main(["analyze", str(page)]) == 0
    assert "\x1b" not in capsys.readouterr().out


def test_batch_reports_bad_items_and_goes_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.txt"
    good.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    missing = tmp_path / "missing.txt"
    code = main(["analyze", str(good), str(empty), str(missing), "--json"])
    captured = capsys.readouterr()
    assert code != 0
    assert len(captured.out.strip().splitlines()) == 1
    errors = [x for x in captured.err.splitlines() if x.startswith("newstrace: error:")]
    assert len(errors) == 2
    assert any(str(empty) in e for e in errors) and any(str(missing) in e for e in errors)


def test_single_bad_input_exits_nonzero_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "blob.bin"
    bad.write_bytes(bytes(range(256)) * 64)
    proc = subprocess.run([sys.executable, "-m", "newstrace", "analyze", str(bad)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0]


def test_workers_give_same_result(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(3):
        (tmp_path / f"p{i}.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["analyze", str(tmp_path), "--json"]) == 0
    one = capsys.readouterr().out
    assert main(["analyze", str(tmp_path), "--json", "--workers", "2"]) == 0
    two = capsys.readouterr().out
    assert one == two and len(one.splitlines()) == 3


def test_input_errors_survive_pickling() -> None:
    import pickle

    e = pickle.loads(pickle.dumps(InputError("a.html", "empty input")))
    assert (e.source, e.reason, str(e)) == ("a.html", "empty input", "a.html: empty input")
