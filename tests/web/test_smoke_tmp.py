from .conftest import SCREENSHOTS

def test_look(live, tab, corpus):
    for name, url in [("doc", "/documents/seed"), ("doc2", "/documents/seed#c1072"), ("origin", "/documents/rt-original#c50"), ("comments", "/documents/seed#comments"), ("entity", "/entities/vladimir-putin"), ("search", "/search?q=Syria"), ("index", "/")]:
        tab.page.goto(live.url + url)
        tab.page.screenshot(path=str(SCREENSHOTS / f"vp-{name}.png"))
