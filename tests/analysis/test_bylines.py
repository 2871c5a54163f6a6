"""The names a byline shows (analysis/bylines): byline lines of real pages, in several languages.

Most inputs are verbatim byline blocks of the bundled pages (the page is named in a comment); the
expected names are those the hand labels give for the page (``fixtures/anatomy/labels.json``).
"""

from __future__ import annotations

import pytest

from newstrace.analysis.bylines import byline_names

from ..real_pages import analysed, labels


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("By Lia Eustachewich and Yaron Steinbuch", "Lia Eustachewich, Yaron Steinbuch"),  # nypost.com
        ("By Carrie Arnold", "Carrie Arnold"),  # quantamagazine.org
        ("Por Laura Jordán / Javier Urbina", "Laura Jordán, Javier Urbina"),  # laprensagrafica.com
        ("von Stefan Niggemeier", "Stefan Niggemeier"),  # uebermedien.de
        ("Von Tomas Spahn", "Tomas Spahn"),  # tichyseinblick.de
        ("Von:\nMoritz Pieczewski-Freimuth", "Moritz Pieczewski-Freimuth"),  # hpd.de
        ("geschrieben von Meike Neitz", "Meike Neitz"),  # basicthinking.de
        ("Di Mario Rossi e Luca Bianchi", "Mario Rossi, Luca Bianchi"),
        ("door Jan de Vries", "Jan de Vries"),
        ("Par Jean de la Fontaine", "Jean de la Fontaine"),
        ("Thomas Hanke", "Thomas Hanke"),  # handelsblatt.com: a name alone
        ("by jdadmin", "jdadmin"),  # jeongdongtheater.com: a user name after "by"
    ],
)
def test_names_after_a_lead_word(text: str, names: str) -> None:
    assert byline_names(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("VON MORITZ GATHMANN am 21. April 2020", "Moritz Gathmann"),  # cicero.de: capitals, date
        ("by Regan December 6, 2017", "Regan"),  # theantijunecleaver.com
        ("by Jake Goulding on January 20, 2020", "Jake Goulding"),  # stackoverflow.blog
        ("By Michelle Ehrhardt 04 November 2020", "Michelle Ehrhardt"),  # tomshardware.com
        ("By Mike Wall 2019-11-18T20:51:19Z Science & Astronomy", "Mike Wall"),  # space.com
        ("von David · 18. Oktober 2019", "David"),  # zugreiseblog.de
        ("Maximilian Henning - 06.06.2019 um 16:05 Uhr", "Maximilian Henning"),  # netzpolitik.org
        ("Written by Mary Smith Updated March 3", "Mary Smith"),
    ],
)
def test_dates_after_the_names_are_cut_off(text: str, names: str) -> None:
    assert byline_names(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("By Jane Doe, Staff Writer", "Jane Doe"),
        ("Moritz Gathmann leitet das Ressort Berliner Republik bei Cicero. Er studierte Russistik",
         "Moritz Gathmann"),  # cicero.de author box
        ("Markus Reuter beschäftigt sich mit den Themen Digital Rights, Hate Speech & Zensur",
         "Markus Reuter"),  # netzpolitik.org author box
        ("Molly Wood (@mollywood) is an Ideas contributor at WIRED and the host", "Molly Wood"),  # wired.com
    ],
)
def test_roles_and_biographies_after_the_name_are_cut_off(text: str, names: str) -> None:
    assert byline_names(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "Über den Autor",  # hpd.de, basicthinking.de
        "Autoreninfo",  # cicero.de
        "AUTOR/IN",  # swr.de
        "News reporter @TomGillespie1",  # news.sky.com
        "19 février 2020",  # ledevoir.com
        "22 de Abril de 2022 - 00:00 HS",  # laprensagrafica.com
        "By @janedoe",
    ],
)
def test_lines_without_a_name(text: str) -> None:
    assert byline_names(text) is None


def test_at_most_four_names() -> None:
    got = byline_names("By Jane Doe & John Roe & Ann Lee & Bo Ek & Cy Po")
    assert got == "Jane Doe, John Roe, Ann Lee, Bo Ek"


# --- Cases that failed before their fix (kept as regression guards) ------------------------------


def test_module_docstring_example_drops_the_agency() -> None:
    # The module's own example: "By Jane Doe and John Roe, Associated Press" -> "Jane Doe, John Roe".
    assert byline_names("By Jane Doe and John Roe, Associated Press") == "Jane Doe, John Roe"


@pytest.mark.parametrize(
    "text",
    [
        "Nov. 19, 2019 8:03 am ET",  # wsj.com byline block
        "Nov 13, 2019 4:26 pm",  # indiewire.com byline block
        "Nov 20 2019, 11:06am ist",  # deccanherald.com byline block
        "Sept. 3, 2019",
    ],
)
def test_a_date_line_with_an_abbreviated_month_shows_no_name(text: str) -> None:
    # The abbreviated month survives the cut at the first digit and reads as a one-word name ("Nov").
    assert byline_names(text) is None


def test_a_capitalised_word_before_the_date_is_not_part_of_the_name() -> None:
    # newsweek.com (labelled byline: "Kashmira Gander")
    assert byline_names("By Kashmira Gander On 11/13/19 at 4:00 PM EST") == "Kashmira Gander"


def test_the_article_after_by_is_not_a_user_name() -> None:
    # "by jdadmin" is a user name, but "the" is no name: the handle fallback takes any first word.
    assert byline_names("By the Associated Press") in (None, "Associated Press")


@pytest.mark.parametrize(
    "text",
    [
        "How to get your hands on an RTX 3000 card before they sell out.",  # tomshardware.com byline block
        "Get author RSS feed",  # nypost.com byline block
        "Der Autor lebt in Köln und verfasst Beobachtungen und Kommentare zu den Themen",  # hpd.de
    ],
)
def test_a_sentence_is_not_a_name(text: str) -> None:
    # Only the first capitalised word of a sentence is kept ("How", "Get", "Der") and read as a name.
    assert byline_names(text) is None


# --- Byline layers of real labelled pages --------------------------------------------------------

PAGES = [
    "aeb:a1fca19b884e0e946ad3fbe2a7f5031e5e3b2337",  # nypost.com, two names joined by "and"
    "tev:laprensagrafica.com.fiscal.html",  # "Por … / …"
    "tev:cicero.de.pandemie.html",  # "VON … am <date>"
    "tev:hpd.de-Homosexuellenhass.html",  # "Von:\n…"
    "tev:basicthinking.de.tweets.html",  # "geschrieben von …"
    "tev:uebermedien.de-Israel.html",  # "von …"
    "tev:0a4a8ab61c054192b1ec70cc3570cf45.html",  # zugreiseblog.de: "von David · <date>"
]


@pytest.mark.parametrize("name", PAGES)
def test_first_byline_layer_names_the_labelled_authors(name: str) -> None:
    key = next(k for k in labels() if k.startswith(name))
    doc = analysed(key)
    authors = [x.author for x in doc.layers if x.kind == "byline"]
    assert authors, name
    assert authors[0] == ", ".join(labels()[key]["byline"])
