"""The OpenAPI 3.1 description of ``/api/...``, written by hand (Starlette does not derive one).

Kept next to the routes it describes; a test checks that every API route is described and every
described path is served, so the two cannot drift apart silently.
"""

from __future__ import annotations

from typing import Any

from .. import __version__
from .params import MAX_LIMIT, MAX_OFFSET, MAX_QUERY


def _param(
    name: str, where: str, schema: dict[str, Any], description: str, required: bool = False
) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "schema": schema,
        "description": description,
    }


_LIMIT = _param(
    "limit", "query", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 20}, "rows per page"
)
_OFFSET = _param(
    "offset", "query", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0}, "rows to skip"
)
_DOC_ID = _param("id", "path", {"type": "string", "maxLength": 1000}, "the document id (as ingested)")


def _ok(schema_ref: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}},
    }


def _err(description: str) -> dict[str, Any]:
    return _ok("Error", description)


def _get(summary: str, params: list[dict[str, Any]], ok: dict[str, Any], *errors: int) -> dict[str, Any]:
    responses: dict[str, Any] = {"200": ok}
    texts = {400: "a bad parameter", 404: "not found", 401: "missing or wrong token", 413: "body too large"}
    for code in errors:
        responses[str(code)] = _err(texts[code])
    return {"get": {"summary": summary, "parameters": params, "responses": responses}}


def _obj(props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        out["required"] = required
    return out


_S = {"type": "string"}
_NS = {"type": ["string", "null"]}
_I = {"type": "integer"}
_NI = {"type": ["integer", "null"]}
_N = {"type": "number"}


def spec() -> dict[str, Any]:
    """The OpenAPI document served at ``/api/openapi.json``."""
    span = {"start": _I, "end": _I}
    schemas: dict[str, Any] = {
        "Error": _obj({"error": _S}, ["error"]),
        "Document": _obj(
            {
                "schema": {"const": "newstrace.document/1"},
                "id": _S,
                "url": _NS,
                "outlet": _NS,
                "title": _NS,
                "published": _NS,
                "text": _S,
                "layers": {
                    "type": "array",
                    "items": _obj({"kind": _S, **span, "outlet": _NS, "author": _NS, "comment": _NI}),
                },
                "comments": {
                    "type": "array",
                    "items": _obj({"id": _I, "parent": _NI, "number": _NS, "author": _NS, **span}),
                },
                "credits": {
                    "type": "array",
                    "items": _obj({"outlet": _S, **span, "place": _NS, "date": _NS}),
                },
                "quotes": {
                    "type": "array",
                    "items": _obj({**span, "text": _S, "speaker": _NS, "speaker_entity": _NS, "cue": _NS}),
                },
                "entities": {
                    "type": "array",
                    "items": _obj(
                        {
                            "id": _S,
                            "name": _S,
                            "type": _S,
                            "aliases": {"type": "array", "items": _S},
                            "mentions": {"type": "array", "items": _obj(span)},
                        }
                    ),
                },
                "dates": {"type": "array", "items": _obj({**span, "text": _S, "value": _S})},
            },
            ["schema", "id", "text", "layers"],
        ),
        "Provenance": _obj(
            {
                "id": _S,
                "copied": {
                    "type": "array",
                    "items": _obj(
                        {
                            **span,
                            "origin_id": _S,
                            "origin_start": _I,
                            "origin_end": _I,
                            "similarity": _N,
                            "kind": _S,
                        }
                    ),
                },
                "copies": {
                    "type": "array",
                    "items": _obj(
                        {
                            "doc_id": _S,
                            **span,
                            "origin_start": _I,
                            "origin_end": _I,
                            "similarity": _N,
                            "kind": _S,
                        }
                    ),
                },
            },
            ["id", "copied", "copies"],
        ),
        "Story": _obj(
            {
                "id": _S,
                "title": _NS,
                "documents": {"type": "array", "items": _S},
                "outlets": {"type": "array", "items": _S},
                "events": {"type": "array", "items": {"type": "object"}},
                "statements": {"type": "array", "items": {"type": "object"}},
                "timeline": {"type": "array", "items": {"type": "object"}},
                "comparison": {"type": "object"},
            },
            ["id", "documents"],
        ),
        "StoryList": _obj(
            {
                "stories": {"type": "array", "items": {"$ref": "#/components/schemas/Story"}},
                "limit": _I,
                "offset": _I,
                "available": {"type": "boolean", "description": "stories were computed for this store"},
                "unassigned": {
                    "type": ["integer", "null"],
                    "description": "stored pages not in a story yet (run `newstrace stories`)",
                },
            },
            ["stories"],
        ),
        "SearchHit": _obj(
            {
                "doc_id": _S,
                "kind": {"enum": ["body", "quote"]},
                "title": _NS,
                "outlet": _NS,
                "published": _NS,
                "snippet": _S,
                "score": _N,
                "speaker": _NS,
            }
        ),
        "SearchResult": _obj(
            {
                "query": _NS,
                "speaker": _NS,
                "outlet": _NS,
                "since": _NS,
                "limit": _I,
                "offset": _I,
                "hits": {"type": "array", "items": {"$ref": "#/components/schemas/SearchHit"}},
            },
            ["hits"],
        ),
        "Entity": _obj(
            {
                "id": _S,
                "names": {"type": "array", "items": _S},
                "types": {"type": "array", "items": _S},
                "quote_count": _I,
                "quotes": {
                    "type": "array",
                    "items": _obj(
                        {
                            "doc_id": _S,
                            **span,
                            "text": _S,
                            "speaker": _S,
                            "cue": _NS,
                            "outlet": _NS,
                            "credited": _NS,
                            "title": _NS,
                            "published": _NS,
                        }
                    ),
                },
                "quotes_by_outlet": {"type": "array", "items": _obj({"outlet": _NS, "quotes": _I})},
                "quotes_by_outlet_scanned": _I,
                "mentioned_in": _I,
                "documents": {"type": "array", "items": {"type": "object"}},
                "limit": _I,
                "offset": _I,
            },
            ["id", "names", "quotes"],
        ),
        "Errors": _obj(
            {
                "errors": {
                    "type": "array",
                    "items": _obj({"source": _S, "reason": _S, "first_seen": _N, "last_seen": _N}),
                },
                "limit": _I,
                "offset": _I,
            },
            ["errors"],
        ),
        "IngestReport": _obj(
            {
                "added": _I,
                "revised": _I,
                "unchanged": _I,
                "failed": _I,
                "errors": {"type": "array", "items": _S},
                "seconds": _N,
            }
        ),
    }
    search_params = [
        _param(
            "q",
            "query",
            {"type": "string", "maxLength": MAX_QUERY},
            'words (ANDed) and "quoted phrases"; operators are neutralised',
        ),
        _param("speaker", "query", {"type": "string"}, "only quotes by this speaker (canonical name)"),
        _param("outlet", "query", {"type": "string"}, "only pages or body sections of this outlet"),
        _param("since", "query", {"type": "string", "format": "date"}, "published on or after this date"),
        _LIMIT,
        _OFFSET,
    ]
    paths: dict[str, Any] = {
        "/api/stories": _get("Stories, newest first", [_LIMIT, _OFFSET], _ok("StoryList", "stories"), 400),
        "/api/stories/{id}": _get(
            "One story", [_param("id", "path", _S, "story id")], _ok("Story", "the story"), 404
        ),
        "/api/documents/{id}": _get(
            "A document as stored (newstrace.document/1)",
            [_DOC_ID],
            _ok("Document", "the document JSON"),
            404,
        ),
        "/api/documents/{id}/provenance": _get(
            "Copied passages of a document and copies of it elsewhere",
            [_DOC_ID],
            _ok("Provenance", "provenance"),
            404,
        ),
        "/api/search": _get(
            "Ranked matches in body text and quotes", search_params, _ok("SearchResult", "hits"), 400
        ),
        "/api/entities/{id}": _get(
            "Everything a person or organisation said, across outlets",
            [
                _param(
                    "id",
                    "path",
                    {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
                    "canonical key of the name (e.g. 'united-states')",
                ),
                _LIMIT,
                _OFFSET,
            ],
            _ok("Entity", "the entity"),
            400,
            404,
        ),
        "/api/errors": _get(
            "Inputs that failed, with the reason", [_LIMIT, _OFFSET], _ok("Errors", "errors"), 400
        ),
        "/api/ingest": {
            "post": {
                "summary": "Analyse and store JSON Lines input records (needs the server's token)",
                "security": [{"bearer": []}],
                "requestBody": {"required": True, "content": {"application/x-ndjson": {"schema": _S}}},
                "responses": {
                    "200": _ok("IngestReport", "what was stored"),
                    "400": _err("a malformed body or record (the error names the record: 'record N')"),
                    "401": _err("missing or wrong token"),
                    "404": _err("ingest is not enabled"),
                    "408": _err("the body took too long to arrive"),
                    "409": _err("another process is writing the store (retry after Retry-After seconds)"),
                    "413": _err("body too large, or too many records"),
                    "503": _err("the server is busy (Retry-After), or the store cannot be opened"),
                },
            }
        },
        "/api/openapi.json": {
            "get": {"summary": "This description", "responses": {"200": {"description": "OpenAPI 3.1"}}}
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "newstrace",
            "version": __version__,
            "description": "Read-only access to a newstrace store: documents, provenance, stories, "
            "search, entities. Ingest needs a bearer token.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
