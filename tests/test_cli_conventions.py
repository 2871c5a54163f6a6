"""Command-line conventions: '-' for standard input, output formats, --no-nlp, -q/-v, --workers, help."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest

from newstrace.cli import DEFAULT_WORKERS, build_parser, main, workers_for
from newstrace.cli_help import EXAMPLES
from newstrace.run.local import default_workers

from .conftest import ROOT, SEED

DEMO = ROOT / "demo"
RT_PAGE = next(DEMO.glob("4a44ab3e4c41*.html.gz"))
RECORDS = ROOT / "tests" / "fixtures" / "readers"


def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "newstrace", *args], input=stdin, capture_output=True,
                          timeout=300)


def test_analyze_reads_standard_input() -> None:
    proc = _run("analyze", "-", "--json", "--no-nlp", stdin=SEED.read_bytes())
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["id"] == "stdin"
    assert len(doc["comments"]) == 26
    assert {x["outlet"] for x in doc["layers"] if x["kind"] == "body"} >= {"RT", "TASS"}
    assert doc["quotes"] == []  # --no-nlp


def test_analyze_reads_records_and_gzip_html_from_standard_input() -> None:
    proc = _run("analyze", "-", "--json", "--no-nlp", stdin=(RECORDS / "trafilatura.jsonl").read_bytes())
    assert proc.returncode == 0, proc.stderr
    docs = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [d["outlet"] for d in docs] == ["RT", "timesunion.com"]
    proc = _run("analyze", "-", "--output", "md", "--no-nlp", stdin=RT_PAGE.read_bytes())
    assert proc.returncode == 0, proc.stderr
    assert "3 pro-Morales demonstrators killed" in proc.stdout.decode()


def test_empty_standard_input_is_one_error_line() -> None:
    proc = _run("analyze", "-", stdin=b"")
    assert proc.returncode == 1
    assert proc.stderr.decode().strip().splitlines() == ["newstrace: error: <stdin>: empty input"]


def test_ingest_reads_standard_input(tmp_path: Path) -> None:
    db = tmp_path / "in.db"
    proc = _run("ingest", "-", "--db", str(db), "--no-nlp", "--no-stories",
                stdin=(RECORDS / "records.jsonl").read_bytes())
    assert proc.returncode == 0, proc.stderr
    assert b"2 added" in proc.stderr
    out = _run("search", "withdrawal", "--db", str(db), "--json")
    assert {json.loads(x)["doc_id"] for x in out.stdout.decode().splitlines()} == {"rt-2016-03-14-syria"}


def test_output_md(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(SEED), "--output", "md", "--no-nlp"]) == 0
    md = capsys.readouterr().out
    assert md.startswith("# 000\\_61ee9dba41562d1b.txt\n")
    assert "| layer | outlet | author | offsets | text |" in md
    assert "| credit | RT |  | 225–252 | … from Russia Today, Moscow |" in md
    assert "| editor_note |  | Jim W. Dean |" in md
    assert "\n## Comments (26)\n" in md
    assert "\n  - " in md  # a reply, indented under its parent


def test_output_md_escapes_page_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "p.html"
    page.write_text("<html><head><title>A | B *C* [x](javascript:y) <img src=x></title></head><body>"
                    "<h1>A | B *C* [x](javascript:y)</h1><p>" + "Words of a sentence here. " * 20 +
                    "</p></body></html>", encoding="utf-8")
    assert main(["analyze", str(page), "--output", "md", "--no-nlp"]) == 0
    md = capsys.readouterr().out
    assert "# A \\| B \\*C\\* \\[x\\](javascript:y) \\<img src=x\\>" in md
    assert not re.search(r"(?<!\\)\[x|(?<!\\)<img|(?<!\\)\*C", md)  # no markup left unescaped


def test_output_csv_one_row_per_layer_or_quote(seed_doc_json: dict[str, object],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(SEED), "--output", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    layers = seed_doc_json["layers"]
    quotes = seed_doc_json["quotes"]
    assert isinstance(layers, list) and isinstance(quotes, list) and quotes
    assert len(rows) == len(layers) + len(quotes)
    text = str(seed_doc_json["text"])
    for row, layer in zip(rows, layers, strict=False):
        span = (layer["kind"], layer["start"], layer["end"])
        assert (row["kind"], int(row["start"]), int(row["end"])) == span
        assert row["text"] == text[layer["start"] : layer["end"]]
    quote_rows = [r for r in rows if r["kind"] == "quote"]
    assert [r["text"] for r in quote_rows] == [q["text"] for q in quotes]
    assert any(r["speaker"] == "Vladimir Putin" for r in quote_rows)


@pytest.fixture(scope="module")
def seed_doc_json() -> dict[str, object]:
    out = subprocess.run([sys.executable, "-m", "newstrace", "analyze", str(SEED), "--output", "jsonl"],
                         capture_output=True, check=True, timeout=300).stdout
    data: dict[str, object] = json.loads(out)
    return data


def test_no_nlp_skips_the_language_model(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(SEED), "--json", "--no-nlp"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["layers"] and doc["credits"]
    assert doc["quotes"] == doc["entities"] == doc["dates"] == doc["events"] == []


def test_quiet_and_verbose_on_every_command() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, __import__("argparse")._SubParsersAction))
    for name, command in sub.choices.items():
        flags = command._option_string_actions
        assert "--quiet" in flags and "--verbose" in flags and "-v" in flags, name
        assert command.epilog and "exit codes:" in command.epilog, name


def test_verbose_and_quiet_set_the_log_level(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "notes.xyz").write_text("not a page", encoding="utf-8")  # skipped, said at debug level
    record = {"id": "a", "text": "Troops leave \ud800 Syria today, the ministry said."}
    (tmp_path / "b.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")  # a warning
    logger = logging.getLogger("newstrace")
    before = logger.level

    def stderr(*flags: str) -> str:
        assert main(["analyze", str(tmp_path), "--no-nlp", "--json", *flags]) == 0
        return capsys.readouterr().err

    assert "newstrace: debug: " in stderr("-vv") and "ignored 1 file(s)" in stderr("--verbose", "-v")
    default = stderr()
    assert "newstrace: warning: " in default and "U+FFFD" in default and "debug" not in default
    assert stderr("-q") == ""
    assert logger.level == before  # main() leaves the caller's logging as it was


def test_quiet_ingest_prints_only_errors(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    proc = _run("ingest", str(SEED), str(tmp_path / "empty.txt"), "--db", str(tmp_path / "q.db"), "--no-nlp",
                "--no-stories", "-q")
    assert proc.returncode == 1
    lines = proc.stderr.decode().strip().splitlines()
    assert lines == [f"newstrace: error: {tmp_path / 'empty.txt'}: empty input"]


def test_warnings_are_one_line_with_the_command_prefix(tmp_path: Path) -> None:
    page = tmp_path / "lone.jsonl"
    record = {"id": "a", "text": "Troops leave \ud800 Syria today, the ministry said."}
    page.write_text(json.dumps(record) + "\n", encoding="utf-8")
    proc = _run("analyze", str(page), "--no-nlp", "--json")
    assert proc.returncode == 0
    [line] = proc.stderr.decode().splitlines()
    assert line.startswith("newstrace: warning: ") and "U+FFFD" in line
    assert _run("analyze", str(page), "--no-nlp", "--json", "-q").stderr == b""


def test_one_workers_default_everywhere(tmp_path: Path) -> None:
    parser = build_parser()
    for command in (["analyze", "x"], ["ingest", "x"]):
        assert parser.parse_args(command).workers == DEFAULT_WORKERS == 0
    cores = default_workers()
    assert workers_for(3, [str(SEED)]) == 3
    assert workers_for(0, [str(SEED)]) == 1  # one page: no pool
    assert workers_for(0, [str(DEMO)]) == min(cores, 6)
    assert workers_for(0, [str(RECORDS / "records.jsonl")]) == cores  # a container: many pages
    assert workers_for(0, ["-"], "text") == 1


def test_search_since_is_validated() -> None:
    proc = _run("search", "x", "--since", "2016-13-01", "--db", "nowhere.db")
    assert proc.returncode == 2
    assert b"--since: not a date: '2016-13-01' (expected YYYY-MM-DD, YYYY-MM or YYYY)" in proc.stderr


def test_help_shows_exit_codes_and_examples_of_every_flag() -> None:
    top = _run("--help")
    assert top.returncode == 0
    text = top.stdout.decode()
    assert "exit codes:" in text and "130" in text and "DESIGN.md" not in text
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, __import__("argparse")._SubParsersAction))
    for name in ("analyze", "ingest", "search", "errors", "provenance", "check", "export", "stories",
                 "serve"):
        command = sub.choices[name]
        examples = EXAMPLES[name]
        for action in command._actions:
            if action.help == "==SUPPRESS==" or not action.option_strings:
                continue
            assert action.help, f"{name} {action.option_strings} has no help"
            flags = [f for f in action.option_strings if f.startswith("--")]
            if flags[0] in ("--help", "--quiet", "--verbose", "--db"):
                continue  # shown in every command's epilog / the store's examples
            assert any(f in examples for f in action.option_strings), f"{name} {flags[0]}: no example"
