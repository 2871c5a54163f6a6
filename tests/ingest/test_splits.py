"""Input splits: a file read split by split gives what reading it whole gives, on real pages."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from newstrace.errors import InputError
from newstrace.ingest.readers import read_paths
from newstrace.ingest.splits import Split, join_splits, plan_file, read_split, single_source, singles
from newstrace.model import Document

from ..real_pages import AEB
from .test_readers import build_warc

Item = Document | InputError


def _pages(n: int) -> list[tuple[str, str, bytes]]:
    """``n`` real pages of the article-extraction benchmark: (id, url, html bytes)."""
    truth = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    out = []
    for key in sorted(truth)[:n]:
        raw = gzip.decompress((AEB / "html" / f"{key}.html.gz").read_bytes())
        out.append((key, truth[key]["url"], raw))
    return out


def _key(item: Item) -> tuple[str, ...]:
    if isinstance(item, InputError):
        return ("error", item.source, item.reason)
    return ("doc", item.id, item.source or "", item.text, "".join(item.json_chunks()))


def _split_read(path: Path, per_split: int) -> tuple[list[Split], list[Item]]:
    splits = plan_file(str(path), path.name, per_split=per_split)
    return splits, list(join_splits(read_split(s) for s in splits))


def test_jsonl_split_by_lines_reads_as_the_whole_file(tmp_path: Path) -> None:
    lines = []
    for i, (key, url, raw) in enumerate(_pages(12)):
        lines.append(json.dumps({"id": key, "url": url, "html": raw.decode("utf-8", "replace")}))
        if i == 3:
            lines.append("")  # a blank line
            lines.append("{not json")  # a bad record, named by its line
        if i == 7:
            lines.append(json.dumps({"id": _pages(1)[0][0], "text": "A repeated id, across splits."}))
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole = list(read_paths([path]))
    splits, parts = _split_read(path, per_split=4)
    assert len(splits) == 4 and [s.first for s in splits] == [1, 5, 9, 13]
    assert splits[-1].count is None and all(s.kind == "jsonl" for s in splits)
    assert [_key(x) for x in parts] == [_key(x) for x in whole]
    bad = [x for x in whole if isinstance(x, InputError)]
    assert [e.source for e in bad] == [f"{path}:6", f"{path}:11"]
    assert "duplicate id" in bad[1].reason


def test_warc_gzip_per_record_split_at_members(tmp_path: Path) -> None:
    records = [("response", url, raw, "text/html; charset=utf-8") for _, url, raw in _pages(9)]
    records.insert(4, ("response", "https://example.org/logo.png", b"\x89PNG" + bytes(64), "image/png"))
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(build_warc(records, gz=True))
    whole = list(read_paths([path]))
    splits, parts = _split_read(path, per_split=3)
    assert len(splits) == 4 and all(s.kind == "warc" and s.gz for s in splits)
    assert [s.first for s in splits] == [1, 4, 7, 10]
    assert [_key(x) for x in parts] == [_key(x) for x in whole]
    assert sum(isinstance(x, Document) for x in whole) == 9


def test_plain_warc_cut_short_stops_where_the_whole_read_stops(tmp_path: Path) -> None:
    records = [("response", url, raw, "text/html") for _, url, raw in _pages(8)]
    data = build_warc(records, gz=False)
    path = tmp_path / "cut.warc"
    path.write_bytes(data[: int(len(data) * 0.6)])
    whole = list(read_paths([path]))
    splits, parts = _split_read(path, per_split=2)
    assert len(splits) >= 2
    assert [_key(x) for x in parts] == [_key(x) for x in whole]
    assert isinstance(whole[-1], InputError) and "truncated" in whole[-1].reason


def test_warc_without_pages_reports_it_once(tmp_path: Path) -> None:
    records = [("response", f"https://example.org/{i}.png", b"\x89PNG" + bytes(32), "image/png")
               for i in range(7)]
    path = tmp_path / "images.warc"
    path.write_bytes(build_warc(records, gz=False))
    whole = list(read_paths([path]))
    _, parts = _split_read(path, per_split=2)
    assert [_key(x) for x in parts] == [_key(x) for x in whole]
    [err] = whole
    assert isinstance(err, InputError) and "no HTML or text page records (8 records" in err.reason


def test_files_that_cannot_be_cut_are_one_split(tmp_path: Path) -> None:
    ((_, url, raw),) = _pages(1)
    page = tmp_path / "page.html"
    page.write_bytes(raw)
    array = tmp_path / "records.json"
    array.write_text(json.dumps([{"id": f"r{i}", "text": f"Record {i}."} for i in range(10)]),
                     encoding="utf-8")
    gz = tmp_path / "feed.jsonl.gz"
    gz.write_bytes(gzip.compress(b"".join(json.dumps({"id": f"g{i}", "text": "x"}).encode() + b"\n"
                                          for i in range(10))))
    one_stream = tmp_path / "one.warc.gz"
    one_stream.write_bytes(gzip.compress(build_warc([("response", url, raw, "text/html")] * 5, gz=False)))
    for path in (page, array, gz, one_stream):
        splits = plan_file(str(path), path.name, per_split=2)
        assert [s.kind for s in splits] == ["whole"], path
        assert [_key(x) for x in read_split(splits[0]).items] == [_key(x) for x in read_paths([path])]


def test_a_split_read_one_line_or_record_at_a_time_gives_the_same_items(tmp_path: Path) -> None:
    """What a runner falls back on when a split's reader dies: each line or record on its own."""
    pages = _pages(5)
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps({"id": k, "url": u, "html": r.decode("utf-8", "replace")})
                              for k, u, r in pages) + "\n\n{oops\n", encoding="utf-8")
    crawl = tmp_path / "crawl.warc.gz"
    crawl.write_bytes(build_warc([("response", u, r, "text/html") for _, u, r in pages], gz=True))
    for path in (feed, crawl):
        for split in plan_file(str(path), path.name, per_split=3):
            ones = singles(split, per_split=3)
            assert all(s.count is not None and s.count - s.skip == 1 for s in ones)
            by_one = [x for s in ones for x in read_split(s).items]
            assert [_key(x) for x in by_one] == [_key(x) for x in read_split(split).items], path
    assert single_source(singles(plan_file(str(feed), "feed.jsonl", per_split=3)[1], 3)[2]) == f"{feed}:6"
