"""The ASGI app: HTML pages and a JSON API over one newstrace store (see the package docstring).

Routes are stable (other tools link to them): ``/``, ``/stories/{id}``, ``/documents/{id}``, ``/search``,
``/entities/{id}``, ``/errors``, and under ``/api/`` the same data as JSON plus ``/api/openapi.json``.
Endpoints are plain functions run in Starlette's thread pool, each thread with its own read-only
connection, so a slow query never blocks the event loop and no connection is shared mid-query.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import ChainableUndefined, Environment, PackageLoader
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..analysis.entities import canonical_key
from ..errors import StoreError
from ..store import (
    DATABASE_ERRORS,
    Store,
    StorySummary,
    StoryView,
    begin_request,
    end_request,
    is_postgres,
    open_reader,
    open_store,
    require_healthy,
)
from . import charts, docview, params
from .handlers import exception_handlers
from .ingest import MAX_INGEST_BYTES, IngestEndpoint
from .middleware import RequestLimit, SecureApp
from .openapi import spec
from .safety import clean, external_url, path_part
from .stories import StoriesProvider, default_provider

log = logging.getLogger(__name__)

MAX_STORY_DOCUMENTS = 500  # a story page shows at most this many documents …
MAX_STORY_ITEMS = 1000  # … and this many copies, events and timeline entries (bounded rendering cost)
_WORDS = re.compile(r"\w+")


def _finalize(value: Any) -> Any:
    """Every ``{{ value }}`` a template prints: strings lose direction and control characters."""
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        return clean(value)
    return value


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("newstrace.web", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
        undefined=ChainableUndefined,
    )
    env.filters["pathq"] = path_part
    env.filters["short"] = lambda s, n=120: s if not isinstance(s, str) or len(s) <= n else s[: n - 1] + "…"
    env.filters["when"] = lambda t: time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(float(t))) if t else ""
    env.globals["entity_href"] = lambda name: docview.entity_href(str(name), canonical_key)
    return env


def _quote_items(items: Any) -> list[dict[str, str]]:
    out = []
    for q in list(items or ())[:50]:
        if isinstance(q, Mapping):
            out.append({"speaker": str(q.get("speaker") or ""), "text": str(q.get("text") or "")})
    return out


def _why(assignment: Any) -> str | None:
    """An assignment's explanation in a line: what tied the page to its story."""
    if not isinstance(assignment, Mapping):
        return None
    if assignment.get("level") == "new":
        return "opened this story"
    parts = []
    if assignment.get("entities"):
        parts.append("shares " + ", ".join(str(e) for e in list(assignment["entities"])[:5]))
    if assignment.get("terms"):
        parts.append("words " + ", ".join(str(t) for t in list(assignment["terms"])[:5]))
    gap = assignment.get("time_gap_days")
    if gap is not None:
        parts.append(f"{gap} days apart")
    return "; ".join(parts) or str(assignment.get("level") or "")


def _state_label(value: Any) -> str | None:
    if not value:
        return None
    value = str(value)
    return {"owned": "state-owned", "affiliated": "state-affiliated"}.get(value, clean(value))


def _registry_state(outlet: str | None) -> str | None:
    if not outlet:
        return None
    from ..analysis.outlets import registry

    entry = registry().get(outlet)
    return None if entry is None else entry.state


def _words(s: str) -> set[str]:
    return {w.lower() for w in _WORDS.findall(s)}


class Web:
    """The app's state and endpoints."""

    def __init__(
        self,
        db: str,
        token: str | None,
        provider: StoriesProvider,
        max_ingest_bytes: int,
        ingest_workers: int,
        query_budget: float = 5.0,
    ) -> None:
        self.db = db
        self.token = token
        self.stories = provider
        self.reader = open_reader(db, budget=query_budget)
        self.env = _environment()
        self.ingest = IngestEndpoint(db, token, max_ingest_bytes, ingest_workers)
        self.openapi = spec()

    def store(self) -> Store:
        return self.reader

    def _infos(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """id -> {"id", "outlet", "title", "published", "url", "seq", …} of the stored ones among ``ids``."""
        return {k: v.to_json() for k, v in self.reader.infos(ids).items()}

    def _counts(self) -> dict[str, int]:
        return {"documents": self.reader.count(), "errors": self.reader.error_count()}

    # ---------------------------------------------------------------------------------- helpers

    def page(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = self.env.get_template(name).render(**context)
        return HTMLResponse(html, status_code=status)

    def _doc(self, doc_id: str) -> dict[str, Any]:
        doc = self.store().get(doc_id) if len(doc_id) <= params.MAX_ID else None
        if doc is None:
            raise HTTPException(404, f"no document {doc_id[:200]!r} in this store")
        return doc

    def _story(self, story_id: str) -> StoryView:
        story = self.stories.story(self.store(), story_id) if len(story_id) <= params.MAX_ID else None
        if story is None:
            raise HTTPException(404, f"no story {story_id[:200]!r} in this store")
        return story

    def _outlet_state(self, outlet: str | None, given: Any = None) -> str | None:
        return _state_label(given) or _state_label(_registry_state(outlet))

    # ------------------------------------------------------------------------------------ pages

    def index(self, request: Request) -> Response:
        limit, offset = params.paging(request.query_params, 30)
        store = self.store()
        stories = self.stories.story_summaries(store, limit=limit, offset=offset)
        ids = [d for s in stories for d in s.documents[:200]]
        infos = self._infos(ids)
        rows = [self._story_summary(s, infos) for s in stories]
        recent = [d.to_json() for d in self.reader.recent_documents(20, 0)] if offset == 0 else []
        return self.page(
            "index.html",
            stories=rows,
            recent=recent,
            counts=self._counts(),
            limit=limit,
            offset=offset,
            problem=self._stories_note(store),
        )

    def _stories_note(self, store: Store) -> str | None:
        """Why the stories list may be empty or short: not computed yet, or pages not yet assigned."""
        pending = self.stories.unassigned(store)
        problem = getattr(self.stories, "problem", None)
        if problem:
            return str(problem)
        if pending is None:
            return "stories have not been computed for this store (run `newstrace stories --db FILE`)"
        if pending:
            return f"{pending} pages are not in a story yet (run `newstrace stories --db FILE`)"
        return None

    def _story_summary(
        self, story: StorySummary, infos: Mapping[str, Mapping[str, Any]]
    ) -> dict[str, Any]:
        docs = [infos[d] for d in story.documents[:200] if d in infos]
        counts = Counter(str(d.get("outlet") or "unknown outlet") for d in docs)
        outlets = [
            {"outlet": o, "documents": n, "state": self._outlet_state(o)} for o, n in counts.most_common()
        ]
        dates = sorted(str(d["published"]) for d in docs if d.get("published"))
        return {
            "id": story.id,
            "title": story.title or f"story {story.id}",
            "documents": len(story.documents),
            "outlets": outlets,
            "first": dates[0] if dates else None,
            "last": dates[-1] if dates else None,
            "spark": charts.sparkline(dates),
        }

    def story_page(self, request: Request) -> Response:
        story = self._story(request.path_params["id"])
        return self.page("story.html", **self._story_context(story.to_json()))

    def _story_context(self, story: Mapping[str, Any]) -> dict[str, Any]:
        comparison = story.get("comparison") or {}
        copies = [c for c in comparison.get("copies") or () if isinstance(c, Mapping)][:MAX_STORY_ITEMS]
        doc_ids = [str(d) for d in list(story.get("documents") or [])[:MAX_STORY_DOCUMENTS]]
        origins = {str(c.get("origin_id")) for c in copies}
        infos = self._infos([*doc_ids, *origins])
        copied_from = {str(c.get("doc_id")): str(c.get("origin_id")) for c in copies}
        documents: list[dict[str, Any]] = []
        for d in doc_ids:
            info = infos.get(d, {})
            documents.append(
                {
                    "id": d,
                    "outlet": info.get("outlet"),
                    "date": info.get("published"),
                    "title": info.get("title"),
                    "is_copy": d in copied_from,
                    "origin": copied_from.get(d),
                    "stored": d in infos,
                }
            )
        external: list[dict[str, Any]] = []
        for o in sorted(origins - set(doc_ids)):
            info = infos.get(o, {})
            external.append(
                {
                    "id": o,
                    "outlet": info.get("outlet"),
                    "date": info.get("published"),
                    "title": info.get("title"),
                    "external": True,
                }
            )
        lanes: list[str] = []
        for doc in sorted(documents, key=lambda x: (charts.parse_day(x["date"]) is None, str(x["date"]))):
            o = str(doc["outlet"] or "unknown outlet")
            if o not in lanes:
                lanes.append(o)
        events = []
        for ev in list(story.get("events") or ())[:MAX_STORY_ITEMS]:
            if not isinstance(ev, Mapping):
                continue
            words = [ev.get("actor"), ev.get("action"), ev.get("target")]
            text = " ".join(str(w) for w in words if w)
            if ev.get("place"):
                text += f" ({ev['place']})"
            events.append(
                {
                    "date": ev.get("date"),
                    "text": text,
                    "doc_id": ev.get("doc_id"),
                    "start": ev.get("start"),
                    "actor": ev.get("actor"),
                    "action": ev.get("action"),
                    "target": ev.get("target"),
                    "place": ev.get("place"),
                    "sources": [x for x in ev.get("sources") or () if isinstance(x, Mapping)][:10]
                    or [{"doc_id": ev.get("doc_id"), "start": ev.get("start")}],
                }
            )
        outlet_rows = self._outlet_rows(comparison, documents)
        omission_rows = self._report_rows(comparison, infos)
        given = story.get("assignments")
        assignments: Mapping[str, Any] = given if isinstance(given, Mapping) else {}
        for doc in documents:
            doc["why"] = _why(assignments.get(doc["id"]))
        return {
            "story": story,
            "title": story.get("title") or f"story {story.get('id')}",
            "documents": documents,
            "outlets": outlet_rows,
            "timeline_chart": charts.timeline(documents, events, lanes),
            "copy_chart": charts.copy_map([*documents, *external], copies) if copies else None,
            "copies": [
                {
                    "doc_id": str(c.get("doc_id")),
                    "origin_id": str(c.get("origin_id")),
                    "doc": infos.get(str(c.get("doc_id")), {}),
                    "origin": infos.get(str(c.get("origin_id")), {}),
                }
                for c in copies
            ],
            "events": events,
            "timeline": [t for t in story.get("timeline") or () if isinstance(t, Mapping)][:MAX_STORY_ITEMS],
            "statements": self._aligned(story.get("statements") or (), infos),
            "independent": comparison.get("independent_reports"),
            "omissions": omission_rows,
        }

    def _outlet_rows(
        self, comparison: Mapping[str, Any], documents: Sequence[Mapping[str, Any]]
    ) -> list[dict[str, Any]]:
        """One row per outlet the comparison names (a page may carry several: a republished RT and TASS
        story), then one per page outlet it does not name; pages counted once per outlet."""
        rows: list[dict[str, Any]] = []
        covered: set[str] = set()
        copies = {str(d["id"]) for d in documents if d["is_copy"]}
        for o in list(comparison.get("outlets") or ())[:MAX_STORY_ITEMS]:
            if not isinstance(o, Mapping):
                continue
            docs = [str(d) for d in o.get("documents") or ()] if isinstance(o.get("documents"), list) else []
            covered.update(docs)
            rows.append(
                {
                    "outlet": str(o.get("outlet") or "unknown outlet"),
                    "documents": len(docs) if docs else int(o.get("documents") or 0),
                    "state": self._outlet_state(str(o.get("outlet")), o.get("state")),
                    "owner": o.get("owner"),
                    "copies": sum(d in copies for d in docs),
                }
            )
        rest = Counter(str(d["outlet"] or "unknown outlet") for d in documents if str(d["id"]) not in covered)
        for name, n in rest.items():
            rows.append(
                {
                    "outlet": name,
                    "documents": n,
                    "state": self._outlet_state(name),
                    "owner": None,
                    "copies": sum(
                        1
                        for d in documents
                        if d["is_copy"]
                        and str(d["id"]) not in covered
                        and (d["outlet"] or "unknown outlet") == name
                    ),
                }
            )
        return rows

    def _report_rows(
        self, comparison: Mapping[str, Any], infos: Mapping[str, Mapping[str, Any]]
    ) -> list[dict[str, Any]]:
        """Per report (one outlet's telling, on its own page or as a section of another): what most other
        reports carry and this one leaves out, and what only this one carries."""
        out = []
        for r in list(comparison.get("reports") or ())[:MAX_STORY_ITEMS]:
            if not isinstance(r, Mapping):
                continue
            omits: Mapping[str, Any] = r["omits"] if isinstance(r.get("omits"), Mapping) else {}
            only: Mapping[str, Any] = r["exclusive"] if isinstance(r.get("exclusive"), Mapping) else {}
            row = {
                "doc_id": str(r.get("doc_id")),
                "title": infos.get(str(r.get("doc_id")), {}).get("title"),
                "outlet": r.get("outlet"),
                "copy": bool(r.get("copy")),
                "omits_quotes": _quote_items(omits.get("quotes")),
                "omits_entities": [str(e) for e in omits.get("entities") or ()][:50],
                "only_quotes": _quote_items(only.get("quotes")),
                "only_entities": [str(e) for e in only.get("entities") or ()][:50],
            }
            if any(row[k] for k in ("omits_quotes", "omits_entities", "only_quotes", "only_entities")):
                out.append(row)
        return out

    def _aligned(
        self, statements: Sequence[Any], infos: Mapping[str, Mapping[str, Any]]
    ) -> list[dict[str, Any]]:
        """Each speaker's quotes in a grid: one column per outlet, one row per statement (quotes whose
        words mostly agree share a row), so differences between outlets' versions stand side by side."""
        out = []
        for st in list(statements)[:50]:
            if not isinstance(st, Mapping):
                continue
            quotes = [q for q in st.get("quotes") or () if isinstance(q, Mapping)][:200]
            columns: list[str] = []
            rows: list[tuple[set[str], dict[str, list[dict[str, Any]]]]] = []
            for q in quotes:
                doc_id = str(q.get("doc_id"))
                outlet = str(infos.get(doc_id, {}).get("outlet") or "unknown outlet")
                if outlet not in columns:
                    columns.append(outlet)
                words = _words(str(q.get("text") or ""))
                cell = {"doc_id": doc_id, "text": str(q.get("text") or ""), "start": q.get("start")}
                for rep, cells in rows:
                    if words and len(words & rep) / len(words | rep) >= 0.5:
                        cells.setdefault(outlet, []).append(cell)
                        break
                else:
                    rows.append((words, {outlet: [cell]}))
            out.append({"speaker": st.get("speaker"), "columns": columns, "rows": [r[1] for r in rows]})
        return out

    def document_page(self, request: Request) -> Response:
        doc_id = request.path_params["id"]
        doc = self._doc(doc_id)
        passages = [p.to_json() for p in self.reader.passages(doc_id)]
        others = self._infos(
            [p["other_id"] for p in passages if p["doc_id"] == doc_id]
            + [p["doc_id"] for p in passages if p["doc_id"] != doc_id]
        )
        view = docview.layout(doc, passages, others, canonical_key)
        text = doc.get("text") or ""
        title = doc.get("title")
        if not title:
            heads = [x for x in doc.get("layers") or () if x.get("kind") == "headline"]
            title = text[heads[0]["start"] : heads[0]["end"]][:300] if heads else doc_id
        entities = sorted(doc.get("entities") or (), key=lambda e: -len(e.get("mentions") or ()))[:60]
        copied = [p for p in passages if p["doc_id"] == doc_id]
        copies = [p for p in passages if p["doc_id"] != doc_id]
        return self.page(
            "document.html",
            doc=doc,
            title=title,
            view=view,
            others=others,
            entities=entities,
            copied=copied,
            copies=copies,
            url_link=external_url(doc.get("url")),
            story_id=self.stories.story_of(self.store(), doc_id),
            state=self._outlet_state(doc.get("outlet")),
            credits=doc.get("credits") or (),
            quotes=[q for q in doc.get("quotes") or ()][:500],
            events=[e for e in doc.get("events") or () if isinstance(e, Mapping)][:500],
        )

    def _search_args(self, request: Request) -> dict[str, Any]:
        qp = request.query_params
        limit, offset = params.paging(qp, 20)
        return {
            "q": params.text(qp, "q", params.MAX_QUERY),
            "speaker": params.text(qp, "speaker"),
            "outlet": params.text(qp, "outlet"),
            "since": params.day(qp, "since"),
            "limit": limit,
            "offset": offset,
        }

    def _search(self, a: Mapping[str, Any]) -> list[dict[str, Any]]:
        hits = self.store().search(
            a["q"] or "",
            speaker=a["speaker"],
            outlet=a["outlet"],
            since=a["since"],
            limit=a["limit"],
            offset=a["offset"],
        )
        return [h.to_json() for h in hits]

    def search_page(self, request: Request) -> Response:
        a = self._search_args(request)
        hits = self._search(a) if (a["q"] or a["speaker"]) else []
        extra = urlencode({k: a[k] for k in ("q", "speaker", "outlet", "since") if a[k]})
        return self.page(
            "search.html",
            args=a,
            hits=hits,
            asked=bool(a["q"] or a["speaker"]),
            extra=extra + "&" if extra else "",
        )

    def _entity_key(self, request: Request) -> str | Response:
        raw = request.path_params["id"]
        if params.ENTITY_KEY.match(raw):
            return str(raw)
        key = canonical_key(raw[:200]) if len(raw) <= 200 else ""
        if key and params.ENTITY_KEY.match(key):
            prefix = "/api/entities/" if request.url.path.startswith("/api/") else "/entities/"
            return RedirectResponse(prefix + path_part(key), status_code=308)
        raise params.ParamError("an entity id is the canonical key of a name, e.g. 'united-states'")

    def _entity_data(self, request: Request) -> dict[str, Any] | Response:
        """One entity's data for the page and the API (or the redirect to its canonical key)."""
        key = self._entity_key(request)
        if isinstance(key, Response):
            return key
        limit, offset = params.paging(request.query_params, 50)
        data = self.reader.entity(key, canonical_key, limit, offset)
        if data is None:
            raise HTTPException(404, f"nobody named {key!r} in this store")
        return data.to_json()

    def entity_page(self, request: Request) -> Response:
        data = self._entity_data(request)
        return data if isinstance(data, Response) else self.page("entity.html", entity=data)

    def errors_page(self, request: Request) -> Response:
        limit, offset = params.paging(request.query_params, 100)
        return self.page(
            "errors.html",
            errors=[e.to_json() for e in self.reader.errors(limit, offset)],
            total=self.reader.error_count(),
            limit=limit,
            offset=offset,
        )

    # -------------------------------------------------------------------------------------- API

    def api_stories(self, request: Request) -> Response:
        limit, offset = params.paging(request.query_params, 20)
        store = self.store()
        stories = self.stories.stories(store, limit=limit, offset=offset)
        pending = self.stories.unassigned(store)
        return JSONResponse(
            {
                "stories": [s.to_json() for s in stories],
                "limit": limit,
                "offset": offset,
                "available": pending is not None,
                "unassigned": pending,
            }
        )

    def api_story(self, request: Request) -> Response:
        return JSONResponse(self._story(request.path_params["id"]).to_json())

    def api_document(self, request: Request) -> Response:
        return JSONResponse(self._doc(request.path_params["id"]))

    def api_provenance(self, request: Request) -> Response:
        doc_id = request.path_params["id"]
        if len(doc_id) > params.MAX_ID or self.store().info(doc_id) is None:
            raise HTTPException(404, f"no document {doc_id[:200]!r} in this store")
        return JSONResponse(self.reader.provenance(doc_id).to_json())

    def api_search(self, request: Request) -> Response:
        a = self._search_args(request)
        if not a["q"] and not a["speaker"]:
            raise params.ParamError("give 'q' (words to find) or 'speaker'")
        return JSONResponse(
            {
                "query": a["q"],
                "speaker": a["speaker"],
                "outlet": a["outlet"],
                "since": a["since"],
                "limit": a["limit"],
                "offset": a["offset"],
                "hits": self._search(a),
            }
        )

    def api_entity(self, request: Request) -> Response:
        data = self._entity_data(request)
        return data if isinstance(data, Response) else JSONResponse(data)

    def api_errors(self, request: Request) -> Response:
        limit, offset = params.paging(request.query_params, 100)
        errors = [e.to_json() for e in self.reader.errors(limit, offset)]
        return JSONResponse({"errors": errors, "limit": limit, "offset": offset})

    def api_openapi(self, request: Request) -> Response:
        return JSONResponse(self.openapi)

    # ----------------------------------------------------------------------------------- errors

    def _wants_json(self, request: Request) -> bool:
        return request.url.path.startswith("/api/")

    def error_response(
        self, request: Request, status: int, message: str, headers: Mapping[str, str] | None = None
    ) -> Response:
        if self._wants_json(request):
            return JSONResponse({"error": message}, status_code=status, headers=headers)
        try:
            response = self.page("error.html", status=status, message=message)
            response.headers.update(headers or {})
            return response
        except Exception:  # the error page itself must not fail into a bare 500
            log.exception("error page failed")
            return Response(f"{status} {message}", status_code=status, media_type="text/plain")


def _sync(web: Web, fn: Callable[[Request], Response]) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint run in the thread pool (each thread reads through its own connection), within the
    request's query budget."""

    def run(request: Request) -> Response:
        begin_request(web.reader)
        try:
            return fn(request)
        finally:
            end_request(web.reader)

    async def endpoint(request: Request) -> Response:
        return await run_in_threadpool(run, request)

    endpoint.__name__ = fn.__name__
    return endpoint


def create_app(
    db: str,
    token: str | None = None,
    *,
    stories: StoriesProvider | None = None,
    allowed_hosts: Sequence[str] | None = None,
    max_ingest_bytes: int = MAX_INGEST_BYTES,
    ingest_workers: int = 1,
    query_budget: float = 5.0,
    max_requests: int = 32,
    queue_wait: float = 10.0,
) -> SecureApp:
    """The ASGI app for the store ``db``.

    ``token``: enables ``POST /api/ingest`` for requests carrying it (off when None). ``stories``: where
    stories come from (default: the store's stored stories). ``allowed_hosts``: Host header
    values accepted (default: any); a loopback server should pass its own names, so a page on another
    site cannot reach it through DNS rebinding. ``query_budget``: seconds of SQLite work one request may
    spend before it is interrupted with a 503. ``max_requests``: requests handled at once; more wait
    their turn up to ``queue_wait`` seconds, then get 503 with ``Retry-After``.

    A store that cannot be served (a folder, an empty, foreign, damaged or truncated file) raises
    ``StoreError`` here, so no server starts on it.
    """
    if not is_postgres(db) and not Path(db).exists():
        if token is None:
            raise FileNotFoundError(f"{db}: no such store (run `newstrace ingest PATH --db {db}` first)")
        try:
            open_store(db).close()  # an empty store that the ingest endpoint will fill
        except (*DATABASE_ERRORS, OSError) as e:  # type: ignore[misc]
            raise StoreError(f"{db}: cannot create a store there ({e})") from None
    require_healthy(db)
    if token is not None and len(token) < 16:
        raise ValueError("the ingest token must be at least 16 characters")
    provider = stories if stories is not None else default_provider()
    web = Web(db, token, provider, max_ingest_bytes, ingest_workers, query_budget)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        web.reader.close()

    routes = [
        Route("/", _sync(web, web.index)),
        Route("/stories/{id:path}", _sync(web, web.story_page)),
        Route("/documents/{id:path}", _sync(web, web.document_page)),
        Route("/search", _sync(web, web.search_page)),
        Route("/entities/{id:path}", _sync(web, web.entity_page)),
        Route("/errors", _sync(web, web.errors_page)),
        Route("/api/stories", _sync(web, web.api_stories)),
        Route("/api/stories/{id:path}", _sync(web, web.api_story)),
        Route("/api/documents/{id:path}/provenance", _sync(web, web.api_provenance)),
        Route("/api/documents/{id:path}", _sync(web, web.api_document)),
        Route("/api/search", _sync(web, web.api_search)),
        Route("/api/entities/{id:path}", _sync(web, web.api_entity)),
        Route("/api/errors", _sync(web, web.api_errors)),
        Route("/api/openapi.json", _sync(web, web.api_openapi)),
        Route("/api/ingest", web.ingest.handle, methods=["POST"]),
        Mount("/static", StaticFiles(packages=[("newstrace.web", "static")]), name="static"),
    ]
    middleware = [Middleware(RequestLimit, limit=max_requests, wait=queue_wait)]
    if allowed_hosts:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts)))
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers=exception_handlers(web),
        lifespan=lifespan,
    )
    app.state.web = web
    return SecureApp(app, web)
