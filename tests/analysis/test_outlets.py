"""The outlet registry: names, acronyms, domains and names inside text resolve to the right outlet."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from newstrace.analysis.outlets import Registry, by_domain, find_outlets, fold, lookup, registry

KINDS = {"agency", "broadcaster", "paper", "site", "magazine"}


def test_registry_is_large_and_well_formed() -> None:
    reg = registry()
    assert len(reg) >= 150
    ids = [o.id for o in reg]
    assert len(ids) == len(set(ids))
    domains = [d for o in reg for d in o.domains]
    assert len(domains) == len(set(domains))
    for o in reg:
        assert o.kind in KINDS, o
        assert o.state in (None, "owned", "affiliated"), o
        assert len(o.country) == 2 and o.country.isupper(), o
        assert o.name and all(d == d.lower() and "/" not in d for d in o.domains), o
    # Many countries and many agencies, not one country's press.
    assert len({o.country for o in reg}) >= 40
    assert sum(o.is_agency for o in reg) >= 50


def test_registry_documents_its_state_rule_and_has_no_name_clashes() -> None:
    raw = json.loads(resources.files("newstrace").joinpath("data/outlets.json").read_text("utf-8"))
    assert "owned" in raw["_note"] and "affiliated" in raw["_note"]
    assert registry().clashes == frozenset()
    # Every id resolves to itself.
    for o in registry():
        assert lookup(o.id) is o, o.id


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Russia Today", "RT"),
        ("RT", "RT"),
        ("The Associated Press", "AP"),
        ("Associated Press", "AP"),
        ("the Associated Press", "AP"),
        ("AP", "AP"),
        ("A.P.", "AP"),
        ("ITAR-TASS", "TASS"),
        ("Itar-Tass", "TASS"),
        ("TASS", "TASS"),
        ("Agence France-Presse", "AFP"),
        ("agence france presse", "AFP"),
        ("REUTERS", "Reuters"),
        ("Thomson Reuters", "Reuters"),
        ("Xinhua", "Xinhua"),
        ("dpa", "dpa"),
        ("The New York Times", "NYT"),
        ("Huffington Post", "HuffPost"),
        ("huff-post", "HuffPost"),
        ("wash-post", "WaPo"),
        ("west-journal", "WesternJournal"),
        ("USA TODAY", "USAToday"),
        ("RT.com", "RT"),
        ("Süddeutsche Zeitung", "SZ"),
        ("Suddeutsche Zeitung", "SZ"),
    ],
)
def test_lookup_aliases(name: str, expected: str) -> None:
    hit = lookup(name)
    assert hit is not None and hit.id == expected


@pytest.mark.parametrize(
    "name",
    ["ap", "Ap", "rt", "Times", "The Times", "the times", "Post", "Herald", "ABC", "", "  ", "Cape", "Moscow",
     "Kremlin"],
)
def test_lookup_refuses_ambiguous_or_unknown(name: str) -> None:
    assert lookup(name) is None


def test_state_and_owner_facts() -> None:
    assert (rt := lookup("RT")) is not None and rt.state == "owned" and rt.country == "RU"
    assert (tass := lookup("TASS")) is not None and tass.state == "owned" and tass.is_agency
    assert (xh := lookup("Xinhua")) is not None and xh.state == "owned"
    assert (ap := lookup("AP")) is not None and ap.state is None and ap.kind == "agency"
    assert (bbc := lookup("BBC")) is not None and bbc.state == "owned"  # public broadcaster: see _note
    assert (wsj := lookup("WSJ")) is not None and (nyp := lookup("New York Post")) is not None
    assert wsj.owner == nyp.owner == "News Corp"


def test_by_domain() -> None:
    o = by_domain("https://www.rt.com/news/335553-putin-syria-withdrawal/")
    assert o is not None and o.id == "RT"
    assert (o := by_domain("news.bbc.co.uk")) is not None and o.id == "BBC"
    assert (o := by_domain("http://english.news.cn/2016/x.htm")) is not None and o.id == "Xinhua"
    assert (o := by_domain("TASS.COM")) is not None and o.id == "TASS"
    assert by_domain("https://example.com/rt.com") is None
    assert by_domain("co.uk") is None
    assert by_domain("not a url") is None


def test_find_outlets_in_text() -> None:
    text = ("CAPE Town, the AP said; ap and Ap are not outlets, nor is a MAPLE. The Associated Press, "
            "Agence France-Presse and ITAR-TASS agreed, said RT.com, quoting dpa.")
    found = [(m.outlet.id, text[m.start:m.end]) for m in find_outlets(text)]
    assert found == [
        ("AP", "AP"),
        ("AP", "The Associated Press"),
        ("AFP", "Agence France-Presse"),
        ("TASS", "ITAR-TASS"),
        ("RT", "RT.com"),
        ("dpa", "dpa"),
    ]


def test_find_outlets_skips_words_and_people() -> None:
    text = ("Michael Bloomberg crossed the Atlantic; time and the times will tell. "
            "the associated press (lower case) is not a name either.")
    assert find_outlets(text) == []


def test_find_outlets_respects_bounds() -> None:
    text = "Reuters and AFP"
    assert [m.outlet.id for m in find_outlets(text, 8)] == ["AFP"]
    assert [m.outlet.id for m in find_outlets(text, 0, 7)] == ["Reuters"]


def test_fold_is_punctuation_and_accent_insensitive() -> None:
    assert fold("Agence France-Presse") == fold("agence  france presse") == "agence france presse"
    assert fold("Télam") == "telam"


def test_custom_registry_marks_shared_names_ambiguous() -> None:
    data = {
        "outlets": [
            {"id": "A1", "name": "Daily Star", "aliases": ["The Star"], "domains": ["a.example"],
             "country": "GB", "kind": "paper"},
            {"id": "B1", "name": "The Star (Kenya)", "aliases": ["The Star"], "domains": ["b.example"],
             "country": "KE", "kind": "paper"},
        ]
    }
    reg = Registry.from_json(data)
    assert reg.lookup("The Star") is None
    assert (a := reg.lookup("Daily Star")) is not None and a.id == "A1"
    assert (b := reg.by_domain("www.b.example")) is not None and b.id == "B1"
