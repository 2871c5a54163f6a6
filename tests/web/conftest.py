"""Fixtures for the web tests: a small real corpus (ingested with ``ingest()``), a live server on
127.0.0.1, and headless Chromium driven by Playwright.

The corpus: the seed page plus the two standalone wire stories it republished (so copied passages and
their origins exist), and two demo pages by two outlets on one story; its stories computed by the real
stories subsystem, as ``newstrace ingest`` does.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from newstrace.corpus.ingest import ingest
from newstrace.stories.update import update_stories

from ..conftest import ROOT, copy_test_store, open_test_store, seed_wire_records, test_db_url

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO = ROOT / "demo"
HILL = DEMO / "156770d676ce79905198e1c8407f81e5ecfb617d9aa44712718707eb7e3b8e38.html.gz"
USATODAY = DEMO / "776a1c046798b474e410f6edf3225d6a27fecd0de6aac22aef7b7f64fe87caaf.html.gz"


def seed_records() -> list[dict[str, Any]]:
    """The seed page and the two stories it republished, as standalone pages published first."""
    return seed_wire_records()


@dataclass
class Corpus:
    db: str
    hill: str
    usatoday: str


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory, backend: str) -> Corpus:
    root = tmp_path_factory.mktemp("webcorpus")
    src = root / "records.jsonl"
    src.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in seed_records()) + "\n", encoding="utf-8"
    )
    bad = root / "broken.jsonl"
    bad.write_text('{"id": "broken", "text": 3}\n', encoding="utf-8")
    db = test_db_url(root, "web", backend)
    report = ingest([str(src), str(HILL), str(USATODAY), str(bad)], db, workers=1, progress=False)
    assert report.added == 5 and report.failed == 1, report.summary()
    with open_test_store(db) as s:
        update_stories(s)
    with open_test_store(db, readonly=True) as s:
        ids = s.ids()
    hill = next(i for i in ids if i.startswith("156770"))
    usatoday = next(i for i in ids if i.startswith("776a1c"))
    return Corpus(db, hill, usatoday)


@pytest.fixture()
def writable_copy(corpus: Corpus, tmp_path: Path, backend: str) -> str:
    """A copy of the corpus store that a test may write to."""
    dst = test_db_url(tmp_path, "copy", backend)
    copy_test_store(corpus.db, dst)
    return dst


@dataclass
class Stories:
    """The real stories of the corpus (computed by ``update_stories``): their ids."""

    withdrawal: str  # the seed page and the two wire stories it republished
    campaign: str  # the two demo pages on South Dakota's anti-drug campaign


@pytest.fixture(scope="session")
def stories(corpus: Corpus) -> Stories:
    with open_test_store(corpus.db, readonly=True) as s:
        withdrawal = s.story_of("seed")
        campaign = s.story_of(corpus.hill)
        assert withdrawal and campaign and withdrawal != campaign
        assert s.story_of("rt-original") == s.story_of("tass-original") == withdrawal
        assert s.story_of(corpus.usatoday) == campaign
    return Stories(withdrawal, campaign)


class LiveServer:
    """The app on uvicorn in a thread, on a free port of 127.0.0.1, configured as ``newstrace serve``
    runs it (``limits``: ``server_config``'s idle_timeout, max_connections, keep_alive)."""

    def __init__(self, app: Any, **limits: Any) -> None:
        import uvicorn

        from newstrace.web.cli import bind
        from newstrace.web.server import server_config

        self.sock = bind("127.0.0.1", 0)
        self.port = int(self.sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(server_config(app, **limits))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.sock.close()


@pytest.fixture(scope="session")
def live(corpus: Corpus) -> Iterator[LiveServer]:
    from newstrace.web import create_app

    with LiveServer(create_app(corpus.db)) as server:
        yield server


def chromium_path() -> str:
    return os.environ.get("NEWSTRACE_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (its own browser download is not used).

    Skipped when Chromium or Playwright is missing, unless NEWSTRACE_REQUIRE_BROWSER=1 (CI sets it).
    """
    required = os.environ.get("NEWSTRACE_REQUIRE_BROWSER") == "1"
    path = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if required:
            pytest.fail("playwright is not installed")
        pytest.skip("playwright is not installed")
    if not Path(path).exists():
        if required:
            pytest.fail(f"no Chromium at {path}")
        pytest.skip(f"no Chromium at {path} (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@dataclass
class Tab:
    """A fresh browser page with what it reported: dialogs opened, page errors, console errors."""

    page: Any
    dialogs: list[str]
    errors: list[str]
    console: list[str]


@pytest.fixture()
def tab(browser: Any) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=True)
    page = context.new_page()
    t = Tab(page, [], [], [])

    def on_dialog(d: Any) -> None:
        t.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda e: t.errors.append(str(e)))
    page.on("console", lambda m: t.console.append(f"{m.type}: {m.text}") if m.type == "error" else None)
    try:
        yield t
    finally:
        context.close()


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
