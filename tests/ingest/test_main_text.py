"""Main-text rules on small real-looking pages: teasers, sections, misnamed articles, furniture."""

from __future__ import annotations

from newstrace.ingest.html import extract_main_text

P1 = (
    "Die Stadtwerke haben am Dienstag mitgeteilt, dass die Gaspreise zum ersten Januar um zwölf Prozent "
    "steigen, weil die Einkaufskosten im vergangenen Jahr deutlich gestiegen sind."
)
P2 = (
    "Betroffen sind rund 40.000 Haushalte, die nach Angaben des Versorgers im Schnitt etwa 180 Euro im "
    "Jahr mehr bezahlen müssen, wenn sie ihren Verbrauch nicht verringern."
)
P3 = (
    "Der Verbraucherschutz rät, die Abschläge zu prüfen, den Zählerstand zu melden und, falls nötig, "
    "einen Wechsel des Anbieters zu erwägen, weil andere Tarife günstiger sein können."
)
P4 = (
    "Die Stadtwerke kündigten außerdem an, die Kundenberatung im Rathaus an zwei weiteren Tagen pro "
    "Woche zu öffnen, damit Fragen zu den neuen Preisen schneller beantwortet werden."
)
NAV = "<nav><ul><li><a href='/'>Start</a></li><li><a href='/lokales'>Lokales</a></li></ul></nav>"
FOOT = "<footer><p><a href='/impressum'>Impressum</a> | <a href='/datenschutz'>Datenschutz</a></p></footer>"


def page(body: str, title: str = "Gaspreise steigen zum Jahreswechsel um zwölf Prozent") -> str:
    return f"<html><head><title>{title}</title></head><body>{NAV}{body}{FOOT}</body></html>"


def test_teaser_between_headline_and_body_is_body() -> None:
    teaser = (
        "Rund 40.000 Haushalte müssen sich auf höhere Abschläge einstellen – was Kunden jetzt tun können, "
        "erklärt der Verbraucherschutz."
    )
    html = page(
        "<article><header><h1>Gaspreise steigen zum Jahreswechsel um zwölf Prozent</h1>"
        f"<p class='intro'>{teaser}</p></header>"
        f"<div class='article-body'><p>{P1}</p><p>{P2}</p><p>{P3}</p></div></article>"
    )
    assert extract_main_text(html) == "\n\n".join([teaser, P1, P2, P3])


def test_sections_built_like_the_container_are_body() -> None:
    # an article cut into sections, with a promotion box between them
    html = page(
        "<main><h1>Gaspreise steigen zum Jahreswechsel um zwölf Prozent</h1>"
        f"<div class='section'><div class='text'><p>{P1}</p><p>{P2}</p></div></div>"
        "<div class='promo-box'><h3>Unser Angebot</h3><p><a href='/abo'>Jetzt 4 Wochen testen</a></p></div>"
        "<div class='related'><h3>Mehr aus der Region</h3><ul><li><a href='/a'>Neue Buslinie</a></li>"
        "<li><a href='/b'>Stadtfest verschoben</a></li></ul></div>"
        f"<div class='section'><div class='text'><p>{P3}</p><p>{P4}</p></div></div></main>"
    )
    text = extract_main_text(html)
    assert all(p in text for p in (P1, P2, P3, P4))
    assert "Stadtfest" not in text and "testen" not in text


def test_article_element_named_like_a_gallery_is_still_the_article() -> None:
    html = page(
        "<div class='grid'><div class='teaser'><p>Kurz notiert: Das Hallenbad bleibt am Montag zu.</p></div>"
        f"<article class='post-article js-post-gallery'><h1>Gaspreise steigen</h1><p>{P1}</p><p>{P2}</p>"
        f"<p>{P3}</p></article></div>"
    )
    assert extract_main_text(html) == "\n\n".join([P1, P2, P3])


def test_furniture_inside_the_container_is_dropped() -> None:
    html = page(
        f"<article><h1>Gaspreise steigen</h1><div class='content'><p>{P1}</p><p>Lesen Sie auch:</p>"
        f"<p>{P2}</p><p>{P3}</p><p>War der Artikel hilfreich?</p><p>Artikel teilen</p></div></article>"
    )
    assert extract_main_text(html) == "\n\n".join([P1, P2, P3])
