"""A hostile corpus, ingested with ``ingest()`` and opened in headless Chromium: no script may run.

The pages carry script tags, event-handler attributes, ``javascript:`` links, SVG payloads, broken markup,
template syntax and Unicode direction tricks, in the HTML itself, in text that *shows* markup, and in the
metadata (id, title, URL, outlet) of the input records. Every payload would set ``window.__pwned`` or open
a dialog; the tests assert neither happened, that the DOM holds no script, handler or foreign element,
that the payloads are shown as text, and that the page layout (header, main, footer, layers) is intact.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from newstrace.corpus.ingest import ingest
from newstrace.stories.update import update_stories

from ..conftest import open_test_store, test_db_url
from .conftest import LiveServer, Tab, screenshot

P = "window.__pwned=1"
HOSTILE_HTML = f"""<!DOCTYPE html><html><head>
<title>Evil page <script>{P}</script> &#x202E;gnp.exe</title>
<script>{P}; alert('head')</script>
<meta http-equiv="refresh" content="0;url=javascript:{P}">
<base href="javascript:{P}//">
<style>body {{ display: none }}</style>
</head><body onload="{P}">
<article>
<h1>City council under attack <img src=x onerror="{P};alert('img')"></h1>
<p class="byline">By Mallory &lt;img src=x onerror=alert(1)&gt;</p>
<p>The council met on Monday. An escaped payload follows: &lt;script&gt;{P};alert("text")&lt;/script&gt;
and &lt;img src=x onerror="{P}"&gt; and {{{{7*7}}}} and ${{alert(3)}} in the minutes of the meeting.</p>
<p><a href="javascript:{P};alert('link')">Click here</a>, the mayor said.
"We will <b onclick="alert(4)">never</b> stop &lt;svg onload={P}&gt; building," she added,
as the council voted on the budget for the year.</p>
<svg width="10" height="10" onload="{P}"><script>{P}</script>
<a href="javascript:alert(5)"><text>svg</text></a>
<foreignObject><iframe src="javascript:alert(6)"></iframe></foreignObject></svg>
<p>Broken markup: <div><p>unclosed <b><i>tags </table></td> &lt;/main&gt;&lt;/body&gt;
<!-- <script>{P}</script> -->
]]&gt; <![CDATA[ <script>{P}</script> ]]> the end of broken markup.</p>
<iframe src="javascript:alert(7)"></iframe><object data="javascript:alert(8)"></object><embed src="x.swf">
<p>Direction tricks: the attachment is named &#x202E;txt.exe and this &#x2067;isolate&#x2069;
and &#x200F;mark
are inside the text of this paragraph of the council story.</p>
<figure><img src="x.png" onerror="alert(9)">
<figcaption>Caption &lt;svg/onload=alert(10)&gt;</figcaption></figure>
<p>"&lt;script&gt;{P}&lt;/script&gt;," said John Smith, the head of the council, on Monday evening.</p>
</article>
<section id="comments"><h3>Comments</h3>
<div class="comment"><p>1. Reader one: &lt;script&gt;alert('comment')&lt;/script&gt;
I disagree with the council.</p></div>
<div class="comment"><p>2. Reader two: &lt;a href="javascript:alert(11)"&gt;see&lt;/a&gt;
what a joke.</p></div>
</section>
</body></html>
"""

HOSTILE_TEXT = f"""Hostile <script>{P};alert('t')</script> headline about the harbour

"<img src=x onerror={P}>," said John Smith, the <b onmouseover="alert(1)">mayor</b> of Springfield, on Monday.
The harbour board met on Monday to discuss </textarea></title></style><script>{P}</script> the new pier.
<svg><script>alert(12)</script><animate onbegin="{P}"/></svg> <a href="javascript:alert(13)">x</a> and
<math><mtext><table><mglyph><style><img src=x onerror={P}></style></mglyph></table></mtext></math>
Direction: \u202ereversed\u202c and \u2067isolate\u2069 end. {{% raw %}} {{{{ 7*7 }}}} {{% if x %}} {{# #}}

Comments

1. <iframe src=javascript:alert(14)></iframe> First comment on the harbour.
"""


def hostile_records() -> list[dict[str, Any]]:
    return [
        {
            "id": "hostile-html",
            "html": HOSTILE_HTML,
            "outlet": "Evil<script>alert(1)</script>",
            "url": f"javascript:{P}//",
            "published": "2021-05-01",
        },
        {
            "id": 'x"><svg onload=alert(15)>',
            "text": HOSTILE_TEXT,
            "title": f'"><script>{P}</script>\u202eevil title',
            "url": "https://example.org/a\u202eb<script>",
            "outlet": '<img src=x onerror="alert(16)">',
            "published": "2021-05-02",
        },
        {
            "id": "slash/and#hash?x=<b>",
            "text": HOSTILE_TEXT.replace("harbour", "airport"),
            "title": "\u2066<svg/onload=alert(17)>\u2069",
            "published": "2021-05-03",
        },
        {"id": "<script>alert(18)</script>", "text": "   "},  # fails: recorded as an error with its id
        {"id": "bad-date", "text": "x", "published": f"<script>{P}</script>"},
    ]


@dataclass
class Hostile:
    db: str
    ids: list[str]
    server: LiveServer


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, backend: str) -> Iterator[Hostile]:
    from newstrace.web import create_app

    root = tmp_path_factory.mktemp("hostile")
    src = root / "hostile.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in hostile_records()) + "\n", "utf-8")
    page = root / "evil<script>.html"
    page.write_text(HOSTILE_HTML, encoding="utf-8")
    db = test_db_url(root, "hostile", backend)
    report = ingest([str(src), str(page)], db, workers=1, progress=False)
    assert report.added == 4 and report.failed == 2, report.summary()
    with open_test_store(db, readonly=True) as s:
        ids = s.ids()
    with open_test_store(db) as s:
        update_stories(s)  # story titles come from the hostile pages' titles
    with LiveServer(create_app(db)) as server:
        yield Hostile(db, ids, server)


NO_SCRIPT = """() => {
  const all = [...document.querySelectorAll('*')];
  const handlers = all.filter(el => [...el.attributes].some(a => a.name.toLowerCase().startsWith('on')));
  const jsUrls = all.filter(el => [...el.attributes].some(a =>
      ['href', 'src', 'action', 'formaction', 'data', 'xlink:href'].includes(a.name.toLowerCase())
      && a.value.trim().toLowerCase().replace(/[\\s\\x00-\\x1f]/g, '').startsWith('javascript:')));
  return {
    pwned: typeof window.__pwned !== 'undefined',
    scripts: document.querySelectorAll('script').length,
    handlers: handlers.map(el => el.outerHTML.slice(0, 80)),
    jsUrls: jsUrls.map(el => el.outerHTML.slice(0, 80)),
    foreign: document.querySelectorAll(
      'iframe, object, embed, base, meta[http-equiv], style, math, img').length,
    strangeSvg: [...document.querySelectorAll('svg')].filter(s => !s.classList.contains('chart')).length,
    bidi: /[\\u202a-\\u202e\\u2066-\\u2069\\u200e\\u200f]/.test(document.body.innerText + document.title),
  };
}"""

LAYOUT = """() => {
  const box = s => { const e = document.querySelector(s); if (!e) return null;
                     const r = e.getBoundingClientRect();
                     return {top: r.top + scrollY, bottom: r.bottom + scrollY, width: r.width,
                             height: r.height, parent: e.parentElement.tagName}; };
  return {
    header: box('body > header#site-header'), main: box('body > main#main'),
    footer: box('body > footer#site-footer'),
    bodyChildren: [...document.body.children].map(e => e.tagName),
    overflow: document.documentElement.scrollWidth > window.innerWidth,
    footerText: (document.querySelector('footer#site-footer') || {}).innerText || '',
  };
}"""


def check_page(tab: Tab, url: str, name: str) -> dict[str, Any]:
    response = tab.page.goto(url)
    assert response is not None
    tab.page.wait_for_load_state("load")
    found = tab.page.evaluate(NO_SCRIPT)
    assert not found["pwned"], url
    assert found["scripts"] == 0 and found["handlers"] == [] and found["jsUrls"] == [], (url, found)
    assert found["foreign"] == 0 and found["strangeSvg"] == 0, (url, found)
    assert not found["bidi"], url
    assert tab.dialogs == [] and tab.errors == [], (url, tab.dialogs, tab.errors)
    layout = tab.page.evaluate(LAYOUT)
    assert layout["bodyChildren"] == ["HEADER", "MAIN", "FOOTER"], (url, layout)
    assert (
        layout["header"]["bottom"]
        <= layout["main"]["top"]
        <= layout["main"]["bottom"]
        <= layout["footer"]["top"]
    )
    assert layout["main"]["height"] > 0 and not layout["overflow"], (url, layout)
    assert "read-only view of the store" in layout["footerText"]
    screenshot(tab.page, f"hostile-{name}")
    return {"status": response.status, **found}


def test_hostile_documents_run_no_script(hostile: Hostile, tab: Tab) -> None:
    base = hostile.server.url
    for n, doc_id in enumerate(hostile.ids):
        got = check_page(tab, f"{base}/documents/{quote(doc_id, safe='')}", f"document-{n}")
        assert got["status"] == 200, doc_id
        # The payloads are shown as text, not dropped: escaping, not filtering.
        data = tab.page.request.get(f"{base}/api/documents/{quote(doc_id, safe='')}").json()
        layers = [x for x in data["layers"] if x["kind"] != "comment"]
        assert tab.page.locator("section.layer").count() == len(layers)
        shown = tab.page.locator("#layers").inner_text()
        if "<script>" in data["text"]:
            assert "<script>" in shown
        title = tab.page.locator("h1.doc-title").inner_text()
        assert "\u202e" not in title and (data["title"] is None or "<" not in data["title"] or "<" in title)


def test_hostile_lists_search_entities_and_errors_run_no_script(hostile: Hostile, tab: Tab) -> None:
    base = hostile.server.url
    check_page(tab, f"{base}/", "index")
    links = tab.page.eval_on_selector_all("a.story-link", "els => els.map(e => e.getAttribute('href'))")
    assert links
    for n, href in enumerate(links):
        got = check_page(tab, f"{base}{href}", f"story-{n}")
        assert got["status"] == 200, href
    got = check_page(tab, f"{base}/stories/{quote(f'<script>{P}</script>', safe='')}", "story-missing")
    assert got["status"] == 404
    check_page(tab, f"{base}/search?q=council", "search")
    assert tab.page.locator("li.hit").count() >= 1
    check_page(tab, f"{base}/search?q={quote(f'<script>{P}</script>')}&speaker=%3Cb%3E", "search-payload")
    assert f"<script>{P}</script>" == tab.page.locator("#search-q").input_value()
    check_page(tab, f"{base}/errors", "errors")
    assert f"<script>{P}</script>" in tab.page.locator("table.errors").inner_text()
    check_page(tab, f"{base}/entities/john-smith", "entity")
    check_page(tab, f"{base}/nope/{quote('<script>alert(1)</script>')}", "not-found")


def test_every_link_on_hostile_pages_stays_on_the_site(hostile: Hostile, tab: Tab) -> None:
    """Follow every link of every hostile document page once: all stay on this server and run no script
    (external http(s) links to a page's own URL excepted, never followed)."""
    base = hostile.server.url
    seen: set[str] = set()
    for doc_id in hostile.ids:
        tab.page.goto(f"{base}/documents/{quote(doc_id, safe='')}")
        hrefs = tab.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for href in hrefs:
            if href.startswith(("http://", "https://")) and not href.startswith(base):
                continue
            assert href.startswith(base), href
            seen.add(href.split("#")[0])
    for href in sorted(seen):
        if "/api/" in href:
            continue
        response = tab.page.goto(href)
        assert response is not None and response.status in (200, 404), href
        assert not tab.page.evaluate("typeof window.__pwned !== 'undefined'"), href
    assert tab.dialogs == [] and tab.errors == []


def test_json_of_a_hostile_page_is_not_rendered_as_html(hostile: Hostile, tab: Tab) -> None:
    doc_id = next(i for i in hostile.ids if "svg" in i)
    tab.page.goto(f"{hostile.server.url}/api/documents/{quote(doc_id, safe='')}")
    assert not tab.page.evaluate("typeof window.__pwned !== 'undefined'")
    assert tab.page.evaluate("document.querySelectorAll('script, svg, img').length") == 0
    assert tab.dialogs == []


def test_the_csp_stops_a_script_that_slipped_through(hostile: Hostile, tab: Tab) -> None:
    """Defence in depth: even if some text escaped escaping, the Content-Security-Policy blocks it.

    The real response (with its real headers) is fetched, a script is spliced into its body on the way to
    the browser, and Chromium must refuse to run it."""
    url = f"{hostile.server.url}/documents/hostile-html"

    def splice(route: Any) -> None:
        real = route.fetch()
        body = real.text().replace("</main>", f'<script>{P}</script><img src=x onerror="{P}"></main>')
        route.fulfill(response=real, body=body)

    tab.page.route(url, splice)
    tab.page.goto(url)
    assert tab.page.evaluate("document.querySelectorAll('main script').length") == 1  # it is there …
    assert not tab.page.evaluate("typeof window.__pwned !== 'undefined'")  # … and did not run
    assert any("Content Security Policy" in m for m in tab.console), tab.console


def test_hostile_files_are_kept_out_of_the_repo_tree(hostile: Hostile) -> None:
    assert not Path(hostile.db).is_relative_to(Path(__file__).resolve().parents[2])
