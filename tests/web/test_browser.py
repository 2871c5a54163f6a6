"""End to end in headless Chromium: open a story, a document, a search; click from a copied passage to
its origin; collapse the comment tree. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import re

from .conftest import Corpus, LiveServer, Stories, Tab, screenshot


def _clean(tab: Tab) -> None:
    assert tab.dialogs == [] and tab.errors == [] and tab.console == [], (
        tab.dialogs,
        tab.errors,
        tab.console,
    )


def test_open_a_story_from_the_list(live: LiveServer, tab: Tab, stories: Stories) -> None:
    page = tab.page
    story = page.request.get(f"{live.url}/api/stories/{stories.withdrawal}").json()
    page.goto(live.url + "/")
    rows = page.locator("tr.story-row")
    assert rows.count() == 2
    assert page.locator("svg.chart-spark").count() == 2
    screenshot(page, "stories-list")
    page.locator(f'a.story-link[href="/stories/{stories.withdrawal}"]').click()
    page.wait_for_url(re.compile(rf"/stories/{stories.withdrawal}$"))
    assert page.locator("h1").first.inner_text().strip() == story["title"]
    # The timeline: one dot per document (the republished page hollow, as a copy), events as diamonds.
    assert page.locator("svg.chart-timeline circle.mark").count() == 3
    assert page.locator("svg.chart-timeline circle.mark.copy").count() == 1
    assert page.locator("svg.chart-timeline rect.mark.event").count() >= 4
    # Each page says why it is in the story; each report, what it leaves out that the others carry.
    assert "opened this story" in page.locator("#documents").inner_text()
    assert "shares" in page.locator("#documents").inner_text()
    assert page.locator("#omissions div.report").count() >= 2
    # Outlets with their state affiliation marked (RT and TASS are state-owned in the registry).
    outlets = page.locator("#outlets tbody tr")
    assert outlets.count() == len(story["comparison"]["outlets"]) >= 2
    assert page.locator("#outlets .state-badge").count() == 2
    # The copy map draws one arrow per copy (the seed page copied two wire stories).
    assert page.locator("svg.chart-copymap path.edge").count() == 2
    # Aligned statements: Putin's words as RT and TASS translated them, one column per outlet.
    assert page.locator("#statements table.aligned").count() >= 1
    assert page.locator("#statements table.aligned").first.locator("th").count() >= 2
    assert "generally fulfilled" in page.locator("#statements").inner_text()
    screenshot(page, "story")
    # A dot of the timeline is a link to its document.
    page.locator("svg.chart-timeline a").first.click()
    page.wait_for_url(re.compile(r"/documents/"))
    assert page.locator("h1.doc-title").is_visible()
    _clean(tab)


def test_open_a_document_with_its_layers(live: LiveServer, tab: Tab) -> None:
    page = tab.page
    page.goto(live.url + "/documents/seed")
    kinds = set(page.eval_on_selector_all("section.layer", "els => els.map(e => e.dataset.kind)"))
    assert {"headline", "body", "editor_note", "caption", "boilerplate"} <= kinds
    # The layers look different: an editor's note does not pass for body text.
    bg = "sel => getComputedStyle(document.querySelector(sel)).backgroundColor"
    assert page.evaluate(bg, "section.layer-editor_note") != page.evaluate(bg, "section.layer-body")
    assert page.evaluate(bg, "section.layer-boilerplate") != page.evaluate(bg, "section.layer-body")
    # Quotes are highlighted and carry their speaker; entities link to their pages.
    assert page.locator(".layer-text .seg.quote").count() >= 10
    assert page.locator(".layer-text a.badge.speaker").count() >= 10
    assert page.locator(".layer-text a.seg.entity").count() >= 20
    screenshot(page, "document")
    # The comment tree is collapsible.
    first = page.locator("li.comment").first
    assert first.is_visible()
    page.locator("#comments > details > summary").click()
    assert not first.is_visible()
    page.locator("#comments > details > summary").click()
    assert first.is_visible()
    replies = page.locator("ol.replies")
    if replies.count():
        head = replies.first.locator("xpath=..").locator("summary").first
        head.click()
        assert not replies.first.is_visible()
    screenshot(page, "document-comments")
    _clean(tab)


def test_click_a_speaker_to_see_everything_they_said(live: LiveServer, tab: Tab) -> None:
    page = tab.page
    page.goto(live.url + "/documents/seed")
    page.locator(".layer-text a.badge.speaker").first.click()
    page.wait_for_url(re.compile(r"/entities/[a-z0-9-]+$"))
    assert page.locator("li.quote-item").count() >= 1
    screenshot(page, "entity")
    # From a quote back to its place in its page.
    link = page.locator("a.quote-link").first
    href = link.get_attribute("href")
    assert href is not None and "#q" in href
    link.click()
    page.wait_for_url(re.compile(r"/documents/.+#q\d+$"))
    anchor = href.split("#")[1]
    assert page.locator(f"#{anchor}").count() == 1
    _clean(tab)


def test_search_and_open_a_hit(live: LiveServer, tab: Tab) -> None:
    page = tab.page
    page.goto(live.url + "/")
    page.fill("header.site input[name=q]", "withdrawal Syria")
    page.press("header.site input[name=q]", "Enter")
    page.wait_for_url(re.compile(r"/search\?q=withdrawal"))
    hits = page.locator("li.hit")
    assert hits.count() >= 2
    screenshot(page, "search")
    # The full form: filters narrow the results.
    page.fill("form.search-form input[name=outlet]", "TASS")
    page.click("form.search-form button")
    page.wait_for_url(re.compile(r"outlet=TASS"))
    assert page.locator("li.hit").count() >= 1
    page.locator("li.hit a.doc").first.click()
    page.wait_for_url(re.compile(r"/documents/"))
    assert page.locator("section.layer-body").count() >= 1
    _clean(tab)


def test_click_through_from_a_copied_passage_to_its_origin(
    live: LiveServer, tab: Tab, corpus: Corpus
) -> None:
    page = tab.page
    page.goto(live.url + "/documents/seed")
    badge = page.locator(".layer-text a.badge.copy-link").first
    assert badge.inner_text().startswith("copied from")
    href = badge.get_attribute("href")
    assert href is not None
    m = re.fullmatch(r"/documents/([^#]+)#c(\d+)", href)
    assert m is not None
    origin, start = m[1], int(m[2])
    # The passage on this page, as stored, and what the origin has at the linked place.
    prov = page.request.get(live.url + "/api/documents/seed/provenance").json()
    passage = next(p for p in prov["copied"] if p["origin_id"] == origin and p["origin_start"] == start)
    seed = page.request.get(live.url + "/api/documents/seed").json()["text"]
    origin_text = page.request.get(f"{live.url}/api/documents/{origin}").json()["text"]
    badge.click()
    page.wait_for_url(re.compile(rf"/documents/{origin}#c{start}$"))
    target = page.locator(f"#c{start}")
    assert target.count() == 1
    assert page.evaluate("location.hash") == f"#c{start}"
    assert page.evaluate("document.querySelector(':target').id") == f"c{start}"
    # The text right after the anchor is the start of the copied passage, in the origin as in the copy.
    after = page.evaluate(
        "id => { const r = document.createRange(); const a = document.getElementById(id);"
        " r.setStartAfter(a); r.setEndAfter(a.closest('.layer-text')); return r.toString(); }",
        f"c{start}",
    )
    words = origin_text[start : passage["origin_end"]].split()[:8]
    assert after.split()[:8] == words
    assert seed[passage["start"] : passage["end"]].split()[:4] == words[:4]
    # It is shown as copied by another page, in view.
    assert page.locator(".layer-text .seg.source").count() >= 1
    assert target.is_visible() or page.locator(".seg.source").first.is_visible()
    screenshot(page, "copy-origin")
    _clean(tab)


def test_from_a_story_event_to_the_sentence_that_reports_it(
    live: LiveServer, tab: Tab, stories: Stories
) -> None:
    page = tab.page
    page.goto(f"{live.url}/stories/{stories.withdrawal}")
    row = page.locator("#events tbody tr", has_text="withdrawal").first
    link = row.locator("td").last.locator("a").first
    href = link.get_attribute("href")
    assert href is not None
    m = re.fullmatch(r"/documents/([^#]+)#e(\d+)", href)
    assert m is not None
    link.click()
    page.wait_for_url(re.compile(rf"/documents/{m[1]}#e{m[2]}$"))
    assert page.evaluate("document.querySelector(':target').id") == f"e{m[2]}"
    text = page.request.get(f"{live.url}/api/documents/{m[1]}").json()["text"]
    event = next(
        e
        for e in page.request.get(f"{live.url}/api/documents/{m[1]}").json()["events"]
        if e["start"] == int(m[2])
    )
    assert "withdraw" in text[event["start"] : event["end"]]
    # The page lists its own events, each linked to its sentence.
    assert page.locator("#events a.event-link").count() >= 3
    screenshot(page, "event-sentence")
    _clean(tab)
