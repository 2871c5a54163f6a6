"""Records other tools write (news-please, trafilatura's JSON) read as newstrace records."""

from __future__ import annotations

import json
from pathlib import Path

from newstrace.analyze import anatomy_pipeline
from newstrace.errors import InputError
from newstrace.ingest import read_paths
from newstrace.ingest.records import foreign_fields
from newstrace.model import Document

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "readers"


def _docs(path: Path) -> list[Document]:
    items = list(read_paths([path]))
    assert not [x for x in items if isinstance(x, InputError)], items
    return [x for x in items if isinstance(x, Document)]


def test_news_please_article_file() -> None:
    record = json.loads((FIXTURES / "news-please.json").read_text(encoding="utf-8"))
    [doc] = _docs(FIXTURES / "news-please.json")
    assert doc.id == record["url"]  # news-please keys articles by URL; it has no id
    assert doc.url == record["url"]
    assert doc.title == record["title"]
    assert doc.published == "2019-11-19"  # from "2019-11-19 00:00:00"
    assert doc.outlet == "USAToday"  # the registry id of the host www.usatoday.com
    assert doc.text.startswith("SIOUX FALLS, S.D. – People across the nation")
    assert doc.format == "jsonl"
    analysed = anatomy_pipeline()(doc)
    body = analysed.article_text()
    assert "Meth. We're on it." in body


def test_trafilatura_json_lines() -> None:
    rows = [json.loads(line) for line in (FIXTURES / "trafilatura.jsonl").read_text("utf-8").splitlines()]
    docs = _docs(FIXTURES / "trafilatura.jsonl")
    assert [d.id for d in docs] == [r["source"] for r in rows]  # trafilatura's id is null: the URL
    rt, ap = docs
    assert rt.url == "https://www.rt.com/news/473849-3-morales-supporters-killed-bolivia/"
    assert rt.outlet == "RT"  # hostname rt.com is the registry's RT
    assert rt.published == "2019-11-20"
    assert rt.title is not None and "3 pro-Morales demonstrators killed" in rt.title
    assert ap.outlet == "timesunion.com"
    assert "SAN FRANCISCO (AP)" in ap.text
    # the AP credit in the text is found as in any page
    credited = anatomy_pipeline()(ap)
    assert "AP" in {c.outlet for c in credited.credits}


def test_own_fields_win_and_odd_dates_are_not_taken() -> None:
    mapped = foreign_fields({"id": "x", "text": "body", "maintext": "other", "date": "last Tuesday",
                             "source": "a file name", "hostname": "www.rt.com", "outlet": "TASS"})
    assert mapped["text"] == "body" and mapped["outlet"] == "TASS"
    assert "published" not in mapped and "url" not in mapped
    assert foreign_fields({"source_domain": "www.rt.com"})["outlet"] == "RT"


def test_record_without_id_or_url_is_still_an_error(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"maintext": "A body with no address."}) + "\n", encoding="utf-8")
    [err] = list(read_paths([path]))
    assert isinstance(err, InputError) and "no 'id'" in err.reason
