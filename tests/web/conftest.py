"""Fixtures for the web tests: a small real corpus (ingested with ``ingest()``), a live server on
127.0.0.1, and headless Chromium driven by Playwright.

The corpus: the seed page plus the two standalone wire stories it republished (so copied passages and
their origins exist), and two demo pages by two outlets on one story. Stories come from a provider built
on the stored documents in the contract's shape (``FakeStories``), so the pages are tested whether or not
the stories subsystem is installed; a separate test uses the real one when it is.
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
from newstrace.corpus.store import Store

from ..conftest import ROOT, seed_wire_records

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
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = tmp_path_factory.mktemp("webcorpus")
    src = root / "records.jsonl"
    src.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in seed_records()) + "\n", encoding="utf-8"
    )
    bad = root / "broken.jsonl"
    bad.write_text('{"id": "broken", "text": 3}\n', encoding="utf-8")
    db = str(root / "web.db")
    report = ingest([str(src), str(HILL), str(USATODAY), str(bad)], db, workers=1, progress=False)
    assert report.added == 5 and report.failed == 1, report.summary()
    with Store(db, readonly=True) as s:
        ids = s.ids()
    hill = next(i for i in ids if i.startswith("156770"))
    usatoday = next(i for i in ids if i.startswith("776a1c"))
    return Corpus(db, hill, usatoday)


class FakeStories:
    """Stories in the contract's shape, built from stored documents (the stories subsystem stand-in)."""

    available = True

    def __init__(self, groups: dict[str, tuple[str, list[str]]]) -> None:
        self.groups = groups  # story id -> (title, doc ids)

    def list_stories(self, store: Store, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        out = [self.get_story(store, sid) for sid in list(self.groups)[offset : offset + limit]]
        return [s for s in out if s is not None]

    def story_of(self, store: Store, doc_id: str) -> str | None:
        return next((sid for sid, (_, ids) in self.groups.items() if doc_id in ids), None)

    def get_story(self, store: Store, story_id: str) -> dict[str, Any] | None:
        if story_id not in self.groups:
            return None
        title, ids = self.groups[story_id]
        docs = [d for d in (store.get(i) for i in ids) if d is not None]
        docs.sort(key=lambda d: (d.get("published") or "", d["id"]))
        events: list[dict[str, Any]] = []
        statements: dict[str, list[dict[str, Any]]] = {}
        timeline: list[dict[str, Any]] = []
        for d in docs:
            people = [e for e in d["entities"] if e["type"] == "person"]
            places = [e for e in d["entities"] if e["type"] == "place"]
            if people:
                m = people[0]["mentions"][0]
                events.append(
                    {
                        "actor": people[0]["name"],
                        "action": "said",
                        "target": None,
                        "place": places[0]["name"] if places else None,
                        "date": d.get("published"),
                        "doc_id": d["id"],
                        "start": m["start"],
                        "end": m["end"],
                    }
                )
            for q in d["quotes"]:
                if q["speaker"]:
                    statements.setdefault(q["speaker"], []).append(
                        {"doc_id": d["id"], "start": q["start"], "end": q["end"], "text": q["text"]}
                    )
            timeline.append(
                {
                    "date": d.get("published"),
                    "kind": "document",
                    "doc_id": d["id"],
                    "text": d.get("title") or d["id"],
                }
            )
        timeline += [
            {"date": e["date"], "kind": "event", "doc_id": e["doc_id"], "text": f"{e['actor']} {e['action']}"}
            for e in events
        ]
        copies = sorted(
            {
                (p["doc_id"], p["other_id"])
                for d in docs
                for p in store.passages(d["id"])
                if p["kind"] == "copy" and p["doc_id"] in ids
            }
        )
        outlets = sorted({d.get("outlet") or "unknown outlet" for d in docs})
        return {
            "id": story_id,
            "title": title,
            "documents": [d["id"] for d in docs],
            "outlets": outlets,
            "events": events,
            "statements": [{"speaker": k, "quotes": v} for k, v in statements.items()],
            "timeline": sorted(timeline, key=lambda t: t["date"] or ""),
            "comparison": {
                "outlets": [
                    {
                        "outlet": o,
                        "documents": sum((d.get("outlet") or "unknown outlet") == o for d in docs),
                        "state": {"RT": "owned", "TASS": "owned"}.get(o),
                    }
                    for o in outlets
                ],
                "copies": [{"doc_id": a, "origin_id": b} for a, b in copies],
                "independent_reports": len(docs) - len({a for a, _ in copies}),
                "omissions": {},
            },
        }


@pytest.fixture(scope="session")
def stories(corpus: Corpus) -> FakeStories:
    return FakeStories(
        {
            "withdrawal": ("Military withdrawal ordered", ["rt-original", "tass-original", "seed"]),
            "campaign": ("Anti-drug campaign", [corpus.hill, corpus.usatoday]),
        }
    )


class LiveServer:
    """The app on uvicorn in a thread, on a free port of 127.0.0.1."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        from newstrace.web.cli import bind

        self.sock = bind("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
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
def live(corpus: Corpus, stories: FakeStories) -> Iterator[LiveServer]:
    from newstrace.web import create_app

    with LiveServer(create_app(corpus.db, stories=stories)) as server:
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
