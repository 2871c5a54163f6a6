"""The command line: the terminal view, the JSON contract, and errors that name their input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newstrace.cli import main
from newstrace.errors import InputError

from .conftest import SEED, test_db_url


def test_analyze_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(SEED), "--json"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    doc = json.loads(out[0])
    assert doc["schema"] == "newstrace.document/1"
    assert doc["id"] == "000_61ee9dba41562d1b.txt"
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


# --- search: page text on one terminal line, dates checked ---------------------------------------


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory, backend: str) -> str:
    from newstrace.corpus.ingest import ingest

    root = tmp_path_factory.mktemp("search")
    records = [
        {"id": "evil\nid\there", "outlet": "Out\nlet\t", "published": "2016-03-14", "title": "T\nX",
         "text": "Harbour vote\n\nThe council voted on the harbour plan today, after a long debate."},
        {"id": "later", "published": "2016-04-02",
         "text": "Harbour news\n\nAnother harbour story, told later in the spring by a reporter."},
    ]
    src = root / "feed.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    db = test_db_url(root, "hostile", backend)
    report = ingest([str(src)], db, workers=1, progress=False, nlp=False)
    assert report.added == 2, report.summary()
    return db


def test_search_terminal_view_escapes_newlines_and_tabs(
    hostile_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "harbour", "--db", hostile_store]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 4 and "\t" not in out  # two hits, two lines each
    assert "evil\\nid\\there" in out and "Out\\nlet\\t" in out


@pytest.mark.parametrize("since", ["notadate", "2016-13-01", "2016-02-30", "16-03-14", "2016-3-1", ""])
def test_search_since_must_be_a_date(
    hostile_store: str, since: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["search", "harbour", "--db", hostile_store, "--since", since])
    assert exit_.value.code == 2
    errors = [x for x in capsys.readouterr().err.splitlines() if "error" in x]
    assert len(errors) == 1 and "--since" in errors[0] and "YYYY-MM-DD" in errors[0]


@pytest.mark.parametrize(("since", "ids"), [("2016-03-15", ["later"]), ("2016-04", ["later"]),
                                             ("2016", ["evil\\nid\\there", "later"])])
def test_search_since_takes_a_day_a_month_or_a_year(
    hostile_store: str, since: str, ids: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "harbour", "--db", hostile_store, "--since", since]) == 0
    out = capsys.readouterr().out.splitlines()
    assert sorted(line.split()[1] for line in out[0::2]) == ids
