"""Stories in the store: assignment tables, cached events and statements, and the read API.

Tables (created on demand, derived data: ``update_stories(store, rebuild=True)`` remakes them):

- ``stories``: one row per story (title, size, first and last date);
- ``story_documents``: one row per page: its story, its thread, its assignment position and the
  explanation of the assignment (the entities, terms and time gap that tied it, the score);
- ``story_events``: the events of a page (JSON), keyed by the page's content hash;
- ``story_statements``: a story's linked quotes (JSON), keyed by the signature of its pages.

The clusterer's state is kept in the store's ``meta`` table and saved after every batch in the same
transaction as the rows it produced, so an interrupted update leaves a consistent store and a rerun
carries on; a rerun with nothing new writes nothing. Pages are assigned in publication order (the
page's own date), then ingest order.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from tqdm import tqdm

from ..analysis.events import extract_events
from ..corpus.store import Store, rollback
from ..model import Event
from .cluster import Model, StoryClusterer
from .compare import Copy, Page, compare
from .documents import document_from_json, events_from_json
from .features import content_text, document_date, extract_many, terms
from .statements import QuoteRef, Statement, link_quotes

__all__ = [
    "UpdateReport",
    "get_story",
    "iter_stories",
    "list_stories",
    "story_of",
    "unassigned",
    "update_stories",
]

log = logging.getLogger(__name__)

STATE_KEY = "stories_state"
BATCH = 512

_DDL = """
CREATE TABLE IF NOT EXISTS stories (
    id TEXT PRIMARY KEY, title TEXT, size INTEGER NOT NULL, first_date TEXT, last_date TEXT,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS stories_last_date ON stories(last_date);
CREATE TABLE IF NOT EXISTS story_documents (
    doc_id TEXT PRIMARY KEY, story_id TEXT NOT NULL, thread INTEGER NOT NULL, position INTEGER NOT NULL,
    date TEXT, title TEXT, content_hash TEXT NOT NULL, explanation TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS story_documents_story ON story_documents(story_id);
CREATE TABLE IF NOT EXISTS story_events (
    doc_id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS story_statements (
    story_id TEXT PRIMARY KEY, signature TEXT NOT NULL, json TEXT NOT NULL
);
"""


@dataclass
class UpdateReport:
    assigned: int = 0
    moved: int = 0  # pages already assigned whose story changed (stories that merged or split)
    stories: int = 0
    rebuilt: bool = False
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.assigned} pages assigned, {self.moved} moved, {self.stories} stories"
            + (" (rebuilt)" if self.rebuilt else "")
            + f" in {self.seconds:.1f} s"
        )


def _tables_exist(store: Store) -> bool:
    row = store.con.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='story_documents'"
    ).fetchone()
    return row is not None


def _ensure(store: Store) -> None:
    if (
        not _tables_exist(store)
        or not store.con.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='story_statements'"
        ).fetchone()
    ):
        store.con.executescript(_DDL)


def _load_state(store: Store, model: Model | None) -> StoryClusterer | None:
    row = store.con.execute("SELECT value FROM meta WHERE key = ?", (STATE_KEY,)).fetchone()
    if row is None:
        return None
    try:
        return StoryClusterer.from_bytes(bytes(row[0]), model)
    except ValueError:
        return None


def assignment_order(dates: Sequence[str | None]) -> list[int]:
    """Indexes of pages (given in ingest order) in the order they are assigned: publication order.

    A page without a date keeps its place among the pages ingested around it: it sorts with the last
    dated page ingested before it (ingest order is the best guess of when an undated page appeared).
    """
    keys = []
    last = ""
    for i, d in enumerate(dates):
        if d:
            last = d
        keys.append((d or last, i))
    return [i for _, i in sorted(keys)]


def _pending(store: Store) -> list[tuple[str, int, str, str]]:
    """(date or "", seq, id, content hash) of stored pages not yet assigned, in assignment order."""
    rows = store.con.execute(
        "SELECT d.seq, d.id, d.content_hash, d.published, "
        "CASE WHEN d.published IS NULL OR length(d.published) < 10 THEN d.json END "
        "FROM documents d LEFT JOIN story_documents s ON s.doc_id = d.id "
        "WHERE s.doc_id IS NULL ORDER BY d.seq"
    )
    out = []
    for seq, doc_id, digest, published, data in rows:
        date = (
            document_date(json.loads(data)) if data is not None else document_date({"published": published})
        )
        out.append((date or "", int(seq), str(doc_id), str(digest)))
    return [out[i] for i in assignment_order([r[0] or None for r in out])]


def _revised(store: Store) -> bool:
    """True when a page changed after it was assigned (its features are stale: rebuild)."""
    row = store.con.execute(
        "SELECT 1 FROM story_documents s JOIN documents d ON d.id = s.doc_id "
        "WHERE d.content_hash != s.content_hash LIMIT 1"
    ).fetchone()
    gone = store.con.execute(
        "SELECT 1 FROM story_documents s LEFT JOIN documents d ON d.id = s.doc_id WHERE d.id IS NULL LIMIT 1"
    ).fetchone()
    return row is not None or gone is not None


def _copy_links(store: Store, doc_id: str) -> list[str]:
    rows = store.con.execute(
        "SELECT other_id FROM passages WHERE doc_id = ? AND kind = 'copy' "
        "UNION SELECT doc_id FROM passages WHERE other_id = ? AND kind = 'copy'",
        (doc_id, doc_id),
    )
    return sorted({str(r[0]) for r in rows if r[0] != doc_id})


def update_stories(
    store: Store,
    *,
    rebuild: bool = False,
    model: Model | None = None,
    events: bool = False,
    progress: bool = False,
) -> UpdateReport:
    """Assign every stored page not yet in a story, online, in publication then ingest order.

    Idempotent and incremental: pages already assigned are not scored again, and a rerun with nothing
    new changes nothing. ``rebuild`` starts from scratch (also done when a page changed since it was
    assigned). ``events`` also extracts the events of the new pages now (else on first read).
    """
    started = time.perf_counter()
    report = UpdateReport()
    _ensure(store)
    con = store.con
    clusterer = None if rebuild else _load_state(store, model)
    assigned = int(con.execute("SELECT COUNT(*) FROM story_documents").fetchone()[0])
    if clusterer is None or len(clusterer) != assigned or (assigned and _revised(store)):
        if assigned or clusterer is not None or rebuild:
            report.rebuilt = True
        con.execute("BEGIN IMMEDIATE")
        try:
            con.execute("DELETE FROM story_documents")
            con.execute("DELETE FROM stories")
            con.execute("DELETE FROM story_statements")
            con.execute("DELETE FROM meta WHERE key = ?", (STATE_KEY,))
            con.execute("COMMIT")
        except BaseException:
            rollback(con)
            raise
        clusterer = StoryClusterer(model)
    pending = _pending(store)
    if not pending:
        report.stories = len(clusterer.stories)
        report.seconds = time.perf_counter() - started
        return report
    before = {d: clusterer.story_of(d) for d in clusterer.doc_thread}
    bar = tqdm(total=len(pending), unit="page", desc="stories", disable=not progress, smoothing=0.1)
    rows: list[tuple[str, str, int, int, str | None, str | None, str, str]] = []
    saved_at, save_cost = time.perf_counter(), 0.0
    for k in range(0, len(pending), BATCH):
        chunk = pending[k : k + BATCH]
        found = [(store.get(r[2]), r) for r in chunk]
        todo = [(data, r) for data, r in found if data is not None]
        datas = [data for data, _ in todo]
        feats = extract_many(datas)
        for (data, (date, _, doc_id, digest)), f in zip(todo, feats, strict=True):
            position = len(clusterer)
            a = clusterer.add_features(f, _copy_links(store, doc_id))
            _, title, _ = content_text(data)
            rows.append(
                (
                    doc_id,
                    a.story,
                    a.thread,
                    position,
                    date or None,
                    title[:300] or data.get("title"),
                    digest,
                    json.dumps(a.explanation(), ensure_ascii=False),
                )
            )
        if events:
            for data in datas:
                _events(store, data, write=True)
        bar.update(len(chunk))
        # The state grows with the store (about 3 kB a page): it is saved, with the rows assigned since
        # the last save, when the time since then is at least four times what the last save cost, so
        # saving stays under a fifth of the run however large the store; and always at the end.
        last = k + BATCH >= len(pending)
        if last or time.perf_counter() - saved_at >= 4 * save_cost:
            t0 = time.perf_counter()
            after, moved = _save(store, clusterer, rows, before)
            report.assigned += len(rows)
            report.moved += len(moved)
            before, rows = after, []
            saved_at = time.perf_counter()
            save_cost = saved_at - t0
    bar.close()
    report.stories = len(clusterer.stories)
    report.seconds = time.perf_counter() - started
    return report


def _save(
    store: Store,
    clusterer: StoryClusterer,
    rows: list[tuple[str, str, int, int, str | None, str | None, str, str]],
    before: dict[str, str | None],
) -> tuple[dict[str, str | None], list[tuple[str | None, str]]]:
    """Write the pages assigned since the last save, the pages that moved, their stories and the state,
    in one transaction; returns (story of every page now, (story, page) of those that moved)."""
    con = store.con
    after = {d: clusterer.story_of(d) for d in clusterer.doc_thread}
    moved = [(s, d) for d, s in after.items() if d in before and before[d] != s]
    # a page assigned since the last save may have moved since (later pages regrouped its story):
    # it is written where it ended up, and the story it left is rewritten too
    opened = {str(r[1]) for r in rows}
    rows = [(r[0], str(after[r[0]]), clusterer.doc_thread_root(r[0]), *r[3:]) for r in rows]
    touched = (
        opened
        | {str(r[1]) for r in rows}
        | {s for s, _ in moved if s}
        | {str(before[d]) for _, d in moved if before[d]}
    )
    blob = clusterer.to_bytes()
    con.execute("BEGIN IMMEDIATE")
    try:
        con.executemany(
            "INSERT OR REPLACE INTO story_documents(doc_id, story_id, thread, position, date, title, "
            "content_hash, explanation) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        con.executemany("UPDATE story_documents SET story_id = ? WHERE doc_id = ?", moved)
        # threads merged into others keep their pages' rows pointing at the surviving thread
        con.executemany(
            "UPDATE story_documents SET thread = ? WHERE doc_id = ?",
            [(clusterer.doc_thread_root(d), d) for _, d in moved],
        )
        for sid in touched:
            _write_story(store, sid)
        con.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (STATE_KEY, blob))
        con.execute("COMMIT")
    except BaseException:
        rollback(con)
        raise
    return after, moved


def _write_story(store: Store, sid: str) -> None:
    con = store.con
    row = con.execute(
        "SELECT COUNT(*), MIN(date), MAX(date) FROM story_documents WHERE story_id = ?", (sid,)
    ).fetchone()
    if not row[0]:
        con.execute("DELETE FROM stories WHERE id = ?", (sid,))
        con.execute("DELETE FROM story_statements WHERE story_id = ?", (sid,))
        return
    title = con.execute(
        "SELECT title FROM story_documents WHERE story_id = ? AND title IS NOT NULL AND title != '' "
        "ORDER BY date IS NULL, date, position LIMIT 1",
        (sid,),
    ).fetchone()
    con.execute(
        "INSERT OR REPLACE INTO stories(id, title, size, first_date, last_date, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (sid, title[0] if title else None, int(row[0]), row[1], row[2], time.time()),
    )


# ------------------------------------------------------------------------------------------------ reading


def story_of(store: Store, doc_id: str) -> str | None:
    """The story a stored page is in (None when it is not assigned yet)."""
    if not _tables_exist(store):
        return None
    row = store.con.execute("SELECT story_id FROM story_documents WHERE doc_id = ?", (doc_id,)).fetchone()
    return None if row is None else str(row[0])


def unassigned(store: Store) -> int | None:
    """How many stored pages are in no story yet (None: stories were never computed for this store)."""
    if not _tables_exist(store):
        return None
    docs = int(store.con.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    assigned = int(store.con.execute("SELECT COUNT(*) FROM story_documents").fetchone()[0])
    return max(0, docs - assigned)


def list_stories(
    store: Store, limit: int = 100, offset: int = 0, *, detail: bool = True
) -> list[dict[str, Any]]:
    """Stories, most recent first (undated ones after, larger first), in the CLI JSON shape."""
    if not _tables_exist(store):
        return []
    rows = store.con.execute(
        "SELECT id, title FROM stories ORDER BY last_date IS NULL, last_date DESC, size DESC, id "
        "LIMIT ? OFFSET ?",
        (max(0, int(limit)), max(0, int(offset))),
    ).fetchall()
    return [_story(store, str(r[0]), r[1], detail) for r in rows]


def iter_stories(store: Store, *, detail: bool = True) -> Iterator[dict[str, Any]]:
    """Every story, in :func:`list_stories` order."""
    if not _tables_exist(store):
        return
    ids = store.con.execute(
        "SELECT id, title FROM stories ORDER BY last_date IS NULL, last_date DESC, size DESC, id"
    ).fetchall()
    for sid, title in ids:
        yield _story(store, str(sid), title, detail)


def get_story(store: Store, story_id: str) -> dict[str, Any] | None:
    """One story in the CLI JSON shape, or None."""
    if not _tables_exist(store):
        return None
    row = store.con.execute("SELECT id, title FROM stories WHERE id = ?", (story_id,)).fetchone()
    return None if row is None else _story(store, str(row[0]), row[1], True)


def _writable(store: Store) -> bool:
    return not store.readonly


def _events(store: Store, data: dict[str, Any], write: bool) -> list[tuple[str, Event]]:
    """(page id, event) of a stored page: from its analysis, or (a page stored before events were part
    of the analysis) from its parse, cached in ``story_events`` when the store is writable."""
    doc_id = str(data["id"])
    if "events" in data:
        return [(doc_id, e) for e in events_from_json(data["events"])]
    info = store.con.execute("SELECT content_hash FROM documents WHERE id = ?", (doc_id,)).fetchone()
    digest = str(info[0]) if info else ""
    try:
        row = store.con.execute(
            "SELECT content_hash, json FROM story_events WHERE doc_id = ?", (doc_id,)
        ).fetchone()
    except sqlite3.OperationalError:
        row = None
    if row is not None and row[0] == digest:
        return [(doc_id, e) for e in events_from_json(json.loads(row[1]))]
    try:
        evs = extract_events(document_from_json(data))
    except Exception as e:  # one odd parse must not take a story page down
        log.warning("events of %s failed: %s: %s", doc_id, type(e).__name__, e)
        evs = []
    if write and _writable(store):
        with contextlib.suppress(sqlite3.OperationalError):  # read-only or busy: recomputed next time
            store.con.execute(
                "INSERT OR REPLACE INTO story_events(doc_id, content_hash, json) VALUES (?, ?, ?)",
                (doc_id, digest, json.dumps([e.to_json() for e in evs], ensure_ascii=False)),
            )
    return [(doc_id, e) for e in evs]


def _event_row(doc_id: str, e: Event) -> dict[str, Any]:
    return {"doc_id": doc_id, **e.to_json()}


def _merge_events(events: Sequence[tuple[str, Event]]) -> list[dict[str, Any]]:
    """One record per event however many pages report it, first report's evidence first, every
    report's offsets in ``sources``.

    Outlets word one event differently ("order to start withdrawal of forces from Syria" / "issue order
    to begin withdrawal of Russian forces from Syria"): two reports are one event when they have the
    same day and actor, no conflicting start day or place, and what was done (action and target, as
    stemmed content words) mostly agrees: at least two words, three quarters of the shorter's.
    """
    rows: list[dict[str, Any]] = []
    words: list[set[str]] = []
    by_key: dict[tuple[str | None, str], list[int]] = {}
    for doc_id, e in events:
        w = set(terms(f"{e.action} {e.target or ''}"))
        key = (e.date, (e.actor or "").lower())
        hit = None
        for i in by_key.get(key, ()):
            r = rows[i]
            if r["starting"] and e.starting and r["starting"] != e.starting:
                continue
            if r["place"] and e.place and r["place"] != e.place:
                continue
            common = len(w & words[i])
            if w == words[i] or (common >= 2 and common >= 0.75 * min(len(w), len(words[i]))):
                hit = i
                break
        if hit is None:
            hit = len(rows)
            rows.append({**_event_row(doc_id, e), "sources": []})
            words.append(w)
            by_key.setdefault(key, []).append(hit)
        row = rows[hit]
        row["sources"].append({"doc_id": doc_id, "start": e.start, "end": e.end})
        row["starting"] = row["starting"] or e.starting
        row["place"] = row["place"] or e.place
    return rows


def _summary(ev: dict[str, Any]) -> str:
    text = " ".join(str(ev[k]) for k in ("actor", "action", "target") if ev.get(k))
    return f"{text} ({ev['place']})" if ev.get("place") else text


def _quotes(data: dict[str, Any]) -> list[QuoteRef]:
    comments = [(x["start"], x["end"]) for x in data.get("layers") or () if x["kind"] in ("comment",)]
    out = []
    for q in data.get("quotes") or ():
        if any(s <= q["start"] < e for s, e in comments):
            continue  # readers quoting someone: not the story's reporting
        out.append(QuoteRef(data["id"], int(q["start"]), int(q["end"]), q.get("text", ""), q.get("speaker")))
    return out


def _statements(
    store: Store, sid: str, datas: Sequence[dict[str, Any]], digests: Sequence[str]
) -> list[Statement]:
    sig = hashlib.sha1(
        "\n".join(f"{d['id']}:{h}" for d, h in zip(datas, digests, strict=True)).encode(
            "utf-8", "surrogatepass"
        )
    ).hexdigest()
    try:
        row = store.con.execute(
            "SELECT signature, json FROM story_statements WHERE story_id = ?", (sid,)
        ).fetchone()
    except sqlite3.OperationalError:
        row = None
    if row is not None and row[0] == sig:
        return [
            Statement(
                s["id"],
                s["speaker"],
                tuple(
                    QuoteRef(q["doc_id"], q["start"], q["end"], q["text"], s["speaker"]) for q in s["quotes"]
                ),
            )
            for s in json.loads(row[1])
        ]
    quotes = [q for d in datas for q in _quotes(d)]
    sts = link_quotes(quotes)
    if _writable(store):
        with contextlib.suppress(sqlite3.OperationalError):
            store.con.execute(
                "INSERT OR REPLACE INTO story_statements(story_id, signature, json) VALUES (?, ?, ?)",
                (sid, sig, json.dumps([s.to_json() for s in sts], ensure_ascii=False)),
            )
    return sts


def _page(data: dict[str, Any]) -> Page:
    _, _, spans = content_text(data)
    body = [
        (int(x["start"]), int(x["end"]), x.get("outlet"))
        for x in data.get("layers") or ()
        if x["kind"] == "body"
    ]
    if not data.get("layers"):
        body = [(0, len(data.get("text") or ""), None)]
    ents = [
        (
            str(e["name"]),
            str(e["type"]),
            [int(m["start"]) for m in e.get("mentions") or () if any(s <= m["start"] < t for s, t in spans)],
        )
        for e in data.get("entities") or ()
    ]
    return Page(str(data["id"]), data.get("outlet"), data.get("url"), body, ents)


def _copies(store: Store, ids: Sequence[str]) -> list[Copy]:
    out = []
    for doc_id in ids:
        rows = store.con.execute(
            "SELECT other_id, SUM(\"end\" - start) FROM passages WHERE doc_id = ? AND kind = 'copy' "
            "GROUP BY other_id",
            (doc_id,),
        )
        out += [Copy(doc_id, str(o), int(n)) for o, n in rows if o != doc_id]
    return out


def _story(store: Store, sid: str, title: str | None, detail: bool) -> dict[str, Any]:
    rows = store.con.execute(
        "SELECT s.doc_id, s.date, s.title, d.content_hash, s.explanation FROM story_documents s "
        "LEFT JOIN documents d ON d.id = s.doc_id WHERE s.story_id = ? "
        "ORDER BY s.date IS NULL, s.date, s.position",
        (sid,),
    ).fetchall()
    ids = [str(r[0]) for r in rows]
    out: dict[str, Any] = {"id": sid, "title": title, "documents": ids}
    if not detail:
        outlets = (
            store.con.execute(
                f"SELECT DISTINCT outlet FROM documents WHERE id IN ({','.join('?' * len(ids))}) "
                "AND outlet IS NOT NULL",
                ids,
            ).fetchall()
            if ids
            else []
        )
        out["outlets"] = sorted(str(o[0]) for o in outlets)
        return out
    loaded = [(store.get(str(r[0])), str(r[3] or "")) for r in rows]
    datas = [d for d, _ in loaded if d is not None]
    digests = [h for d, h in loaded if d is not None]
    events = [e for d in datas for e in _events(store, d, write=True)]
    statements = _statements(store, sid, datas, digests)
    comparison = compare([_page(d) for d in datas], _copies(store, ids), statements)
    out["outlets"] = [o["outlet"] for o in comparison["outlets"]]
    out["events"] = _merge_events(events)
    out["statements"] = [s.to_json() for s in statements]
    timeline: list[dict[str, Any]] = []
    for r in rows:
        timeline.append({"date": r[1], "kind": "document", "doc_id": r[0], "text": r[2] or ""})
    for ev in out["events"]:
        timeline.append(
            {
                "date": ev["date"],
                "kind": "event",
                "doc_id": ev["doc_id"],
                "text": _summary(ev),
                "start": ev["start"],
                "end": ev["end"],
                "reports": len(ev["sources"]),
            }
        )
    timeline.sort(key=lambda t: (t["date"] is None, t["date"] or "", t["kind"] != "document"))
    out["timeline"] = timeline
    out["comparison"] = comparison
    # why each page is in the story (as assigned: the entities, terms and time gap that tied it)
    out["assignments"] = {str(r[0]): json.loads(r[4]) for r in rows}
    return out
