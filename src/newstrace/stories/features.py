"""What a story is recognised by: a page's words, names, numbers, date and meaning, as comparable vectors.

Each page becomes a few *channels* of sparse, unit-length, IDF-weighted vectors (body terms, lead terms,
headline terms, capitalised names, canonical entities, people, people named in the lead, numbers, years)
plus two dense sentence embeddings (whole text and lead). Every similarity the clusterer uses is a dot
product between such vectors, so the similarity of a page to a *group* of pages is one dot product with
the group's summed vectors: that is what keeps assignment cheap however large a story grows.

IDF is learnt online (:class:`FeatureSpace` counts document frequencies as pages arrive), so a stream
needs no corpus statistics up front; a batch run may count a whole collection first.

Embeddings come from ``wordllama`` (static token embeddings shipped inside the wheel, numpy only, no
download at run time). Without it the embedding channels are zero and the other signals still work.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..analysis.dates import YEAR as _YEAR
from ..analysis.dates import page_date as document_date
from ..model import Document

__all__ = [
    "CHANNELS",
    "EMBED_DIM",
    "DocumentFeatures",
    "FeatureSpace",
    "Vector",
    "content_text",
    "document_date",
    "embed",
    "extract",
    "extract_text",
]

log = logging.getLogger(__name__)

Array = npt.NDArray[np.float32]

# Sparse channels: name -> how many top-weighted keys a page keeps (bounded memory per page and story).
CHANNELS: dict[str, int] = {
    "term": 200,  # body words, stemmed
    "lead": 60,  # words of the title and the first lines
    "head": 20,  # words of the title (or first line) alone
    "name": 100,  # capitalised word sequences
    "ent": 100,  # canonical entities from the analysis (any type)
    "person": 30,  # canonical people
    "lead_person": 10,  # people named in the title or first lines
    "number": 50,  # numbers other than years: tolls, scores, sizes
    "year": 10,  # four-digit years named in the text
}
# Channels whose mere presence on both pages is a feature: two pages that each name a year (a person in
# the lead, numbers …) but not the same ones are likely about different events.
PRESENCE = ("year", "number", "person", "lead_person")
# Channels weighted by IDF; the others are binary sets (all members weigh the same).
_IDF_CHANNELS = ("term", "lead", "head", "name", "ent", "person", "lead_person")
EMBED_DIM = 256

# Layers that carry the report itself (comments, boilerplate and link lists say nothing about the event).
_CONTENT_KINDS = frozenset(
    {"headline", "subheadline", "dateline", "credit", "caption", "editor_note", "section_heading", "body"}
)
_LEAD_CHARS = 400

_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’\-](?=[^\W\d_]))*|\d+(?:[.,:]\d+)*", re.UNICODE)
_NAME = re.compile(
    r"(?:[A-Z][\w'’\-]*\.?|[A-Z]\.)"
    r"(?:[ \t]+(?:(?:of|de|del|la|al|bin|van|von|the)[ \t]+)?(?:[A-Z][\w'’\-]*|[A-Z]\.))*"
)
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])")
_SENT_START = re.compile(r"(?:^|[.!?:;\"“”]\s*|\n\s*)$")
_SUFFIXES = ("ings", "ing", "edly", "ies", "ied", "ed", "es", "s", "ly")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    extra = {
        "said", "says", "say", "told", "according", "mr", "ms", "mrs", "dr", "new", "year", "years",
        "time", "people", "one", "two", "also", "would", "could", "like", "just", "including", "week",
        "day", "days", "today", "yesterday", "tomorrow", "monday", "tuesday", "wednesday", "thursday",
        "friday", "saturday", "sunday", "updated", "posted", "published", "am", "pm", "et", "pt",
    }  # fmt: skip
    return frozenset(STOP_WORDS) | frozenset(extra)


def stem(word: str) -> str:
    """A light suffix stripper: enough to join "arrested"/"arrests"/"arrest" without a lexicon."""
    for suf in _SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 4:
            if suf in ("ies", "ied"):
                return word[: -len(suf)] + "y"
            return word[: -len(suf)]
    return word


def terms(text: str) -> Counter[str]:
    stop = _stopwords()
    out: Counter[str] = Counter()
    for m in _WORD.finditer(text):
        w = m.group().lower().replace("’", "'")
        if w.endswith("'s"):
            w = w[:-2]
        if w in stop or (len(w) < 2 and not w.isdigit()) or w.isdigit():
            continue
        out[stem(w)] += 1
    return out


def names(text: str) -> Counter[str]:
    """Capitalised word sequences, without a sentence's capitalised first stopword ("The", "In")."""
    stop = _stopwords()
    out: Counter[str] = Counter()
    for m in _NAME.finditer(text):
        toks = m.group().split()
        if toks and toks[0].lower() in stop and _SENT_START.search(text[max(0, m.start() - 3) : m.start()]):
            toks = toks[1:]
        name = " ".join(toks).strip(".").lower()
        if name and name not in stop:
            out[name] += 1
    return out


def numbers(text: str) -> set[str]:
    years = set(_YEAR.findall(text))
    return {n.replace(",", "") for n in _NUMBER.findall(text)} - years - {"0", "1"}


def years(text: str) -> set[str]:
    return set(_YEAR.findall(text))


# ---------------------------------------------------------------------------------------------- documents


def _get(doc: Document | Mapping[str, Any]) -> Mapping[str, Any]:
    return doc.to_json() if isinstance(doc, Document) else doc


def content_text(doc: Document | Mapping[str, Any]) -> tuple[str, str, list[tuple[int, int]]]:
    """(content, title, spans): the report's own text (no comments or boilerplate) and its headline.

    ``spans`` are the ``(start, end)`` offsets in the document text that the content was taken from.
    A page without layers (not analysed) is all content.
    """
    d = _get(doc)
    text: str = d.get("text") or ""
    layers = d.get("layers") or []
    spans = [(int(x["start"]), int(x["end"])) for x in layers if x["kind"] in _CONTENT_KINDS]
    if not layers:
        spans = [(0, len(text))]
    elif not spans:  # an anatomy that found no body: keep everything but comments
        spans = [(int(x["start"]), int(x["end"])) for x in layers if x["kind"] not in ("comment",)]
    content = "\n".join(text[s:e] for s, e in spans)
    title = (d.get("title") or "").strip()
    if not title:
        head = [x for x in layers if x["kind"] == "headline"]
        title = text[head[0]["start"] : head[0]["end"]].strip() if head else ""
    return content, title, spans


@dataclass
class DocumentFeatures:
    """What one page contributes before weighting: raw counts per channel, embeddings, date."""

    id: str
    counts: dict[str, Counter[str]]
    embedding: Array | None
    lead_embedding: Array | None
    date: int | None  # proleptic ordinal of the page's date (None: undated)
    title: str = ""


def extract(
    doc: Document | Mapping[str, Any], embedder: Callable[[list[str]], Array] | None = None
) -> DocumentFeatures:
    """Features of an analysed page (``Document`` or its ``newstrace.document/1`` JSON)."""
    return extract_many([doc], embedder)[0]


def extract_many(
    docs: Sequence[Document | Mapping[str, Any]], embedder: Callable[[list[str]], Array] | None = None
) -> list[DocumentFeatures]:
    """:func:`extract` for many pages (embeddings computed in one batch)."""
    parts = []
    for doc in docs:
        d = _get(doc)
        content, title, spans = content_text(d)
        ents: Counter[str] = Counter()
        people: Counter[str] = Counter()
        lead_people: Counter[str] = Counter()
        lead_end = _lead_end(d.get("text") or "", spans)
        for e in d.get("entities") or []:
            if e.get("type") == "date":
                continue
            mentions = [m for m in e.get("mentions") or [] if _inside(spans, int(m["start"]))]
            if not mentions:
                continue
            key = str(e["name"]).lower()
            ents[key] += len(mentions)
            if e.get("type") == "person":
                people[key] += len(mentions)
                n_lead = sum(1 for m in mentions if int(m["start"]) < lead_end)
                if n_lead:
                    lead_people[key] += n_lead
        date = document_date(d)
        parts.append((str(d.get("id")), content, title, ents, people, lead_people, date))
    return _build(parts, embedder)


def extract_text(
    doc_id: str,
    text: str,
    *,
    title: str | None = None,
    published: str | None = None,
    embedder: Callable[[list[str]], Array] | None = None,
) -> DocumentFeatures:
    """Features of a plain text (no analysis: no entity channels, date from ``published`` only)."""
    date = published[:10] if published and re.match(r"\d{4}-\d\d-\d\d", published) else None
    return _build([(doc_id, text, title or "", Counter(), Counter(), Counter(), date)], embedder)[0]


def _inside(spans: Sequence[tuple[int, int]], pos: int) -> bool:
    return any(s <= pos < e for s, e in spans)


def _lead_end(text: str, spans: Sequence[tuple[int, int]]) -> int:
    """Offset in the page text where the lead (first ~400 content characters) ends."""
    left = _LEAD_CHARS
    for s, e in spans:
        if e - s >= left:
            return s + left
        left -= e - s
    return len(text)


def _lead(content: str, title: str) -> str:
    cut = content[:_LEAD_CHARS]
    nl = content.find("\n", _LEAD_CHARS // 2)
    if 0 <= nl < _LEAD_CHARS * 2:
        cut = content[:nl]
    return (title + "\n" + cut).strip()


def _build(
    parts: Sequence[tuple[str, str, str, Counter[str], Counter[str], Counter[str], str | None]],
    embedder: Callable[[list[str]], Array] | None,
) -> list[DocumentFeatures]:
    texts: list[str] = []
    out: list[DocumentFeatures] = []
    for doc_id, content, title, ents, people, lead_people, date in parts:
        full = (title + "\n" + content).strip() if title and not content.startswith(title) else content
        lead = _lead(content, title if not content.startswith(title) else "")
        head = title or content.strip().split("\n", 1)[0]
        counts: dict[str, Counter[str]] = {
            "term": terms(full),
            "lead": terms(lead),
            "head": terms(head),
            "name": names(full),
            "ent": ents,
            "person": people,
            "lead_person": lead_people,
            "number": Counter(numbers(full)),
            "year": Counter(years(full)),
        }
        day = dt.date.fromisoformat(date).toordinal() if date else None
        out.append(DocumentFeatures(doc_id, counts, None, None, day, head[:300]))
        texts += [full, lead]
    vecs = (embedder or embed)(texts)
    if vecs is not None and len(vecs):
        for k, f in enumerate(out):
            f.embedding = vecs[2 * k]
            f.lead_embedding = vecs[2 * k + 1]
    return out


# ---------------------------------------------------------------------------------------------- embedding


@lru_cache(maxsize=1)
def _wordllama() -> Any:
    try:
        import wordllama  # type: ignore[import-untyped]
        from wordllama import WordLlama
    except ImportError:
        log.warning("wordllama is not installed: story clustering runs without sentence embeddings")
        return None
    # The weights ship inside the wheel; load them from there and never try the network.
    return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


EMBED_PIECE_CHARS = 4_000  # a piece is at most ~1,000 tokens: 1 MB of token vectors
_EMBED_GROUP = 64  # pieces tokenised together


def _pieces(text: str, size: int = EMBED_PIECE_CHARS) -> Iterator[str]:
    """``text`` in pieces of at most ``size`` characters, cut before a space where there is one (the
    tokenizer folds a leading space into the word after it, so the words keep their tokens)."""
    start, n = 0, len(text)
    while start < n:
        end = min(n, start + size)
        if end < n:
            cut = text.rfind(" ", start + size // 2, end)
            end = cut if cut > start else end
        yield text[start:end]
        start = end


def embed(texts: list[str]) -> Array | None:
    """Unit-length sentence embeddings (``len(texts) x 256``), or None without ``wordllama``.

    The model's embedding is the mean of its token vectors. ``WordLlama.embed`` pads each batch to its
    longest text, so one 200 KB page among small ones took gigabytes and a 19 MB page asked for 18 GiB.
    Here each text is summed piece by piece (bounded pieces, no padding) and divided by its token count:
    the same mean, in memory that does not grow with the text.
    """
    model = _wordllama()
    if model is None or not texts:
        return None
    table = model.embedding
    sums = np.zeros((len(texts), table.shape[1]), dtype=np.float32)
    counts = np.zeros(len(texts), dtype=np.float64)

    def pieces() -> Iterator[tuple[int, str]]:
        for k, text in enumerate(texts):
            for piece in _pieces(text or " "):
                yield k, piece

    group: list[tuple[int, str]] = []
    for item in itertools.chain(pieces(), [None]):
        if item is not None:
            group.append(item)
            if len(group) < _EMBED_GROUP:
                continue
        if not group:
            break
        for (k, _), enc in zip(group, model.tokenize([p for _, p in group]), strict=True):
            real = np.asarray(enc.attention_mask, dtype=bool)  # the batch's padding left out
            ids = np.asarray(enc.ids, dtype=np.int64)[real]
            ids = np.clip(ids, 0, table.shape[0] - 1)
            if len(ids):
                sums[k] += table[ids].sum(axis=0, dtype=np.float32)
                counts[k] += len(ids)
        group = []
    vecs = sums / np.maximum(counts, 1.0).astype(np.float32)[:, None]
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return np.asarray(vecs / np.where(norms > 0, norms, 1.0), dtype=np.float32)


# ------------------------------------------------------------------------------------------------ vectors


@dataclass
class Vector:
    """A page as the clusterer sees it: sparse unit vectors per channel (keys ``channel|key``) + dense."""

    id: str
    sparse: dict[str, float]
    embedding: Array | None
    lead_embedding: Array | None
    date: int | None
    presence: npt.NDArray[np.float32]  # 1.0 per PRESENCE channel the page has
    title: str = ""
    keys: list[str] = field(default_factory=list)  # the retrieval keys: entities and top terms


class FeatureSpace:
    """Document frequencies per channel, counted online: turns :class:`DocumentFeatures` into vectors."""

    def __init__(self) -> None:
        self.n = 0
        self.df: Counter[str] = Counter()

    def observe(self, feats: DocumentFeatures) -> None:
        """Count one page's keys (call once per page, before or as it is vectorised)."""
        self.n += 1
        for ch in _IDF_CHANNELS:
            self.df.update(f"{ch}|{k}" for k in feats.counts[ch])

    def idf(self, key: str) -> float:
        return math.log((self.n + 1) / max(1, self.df.get(key, 0)))

    def vector(self, feats: DocumentFeatures, retrieval_terms: int = 12, retrieval_names: int = 8) -> Vector:
        sparse: dict[str, float] = {}
        for ch, top in CHANNELS.items():
            counts = feats.counts[ch]
            if not counts:
                continue
            if ch in _IDF_CHANNELS:
                w = {f"{ch}|{k}": (1.0 + math.log(c)) * self.idf(f"{ch}|{k}") for k, c in counts.items()}
            else:
                w = {f"{ch}|{k}": 1.0 for k in counts}
            items = sorted(w.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
            z = math.sqrt(sum(v * v for _, v in items))
            if z > 0:
                sparse.update((k, v / z) for k, v in items if v > 0)
        keys = [k for k in sparse if k.startswith(("ent|", "person|"))]
        for ch, n in (("name|", retrieval_names), ("term|", retrieval_terms)):
            keys += sorted((k for k in sparse if k.startswith(ch)), key=lambda k: (-sparse[k], k))[:n]
        presence = np.array([1.0 if feats.counts[ch] else 0.0 for ch in PRESENCE], dtype=np.float32)
        return Vector(
            feats.id,
            sparse,
            feats.embedding,
            feats.lead_embedding,
            feats.date,
            presence,
            feats.title,
            keys,
        )

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "df": dict(self.df)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FeatureSpace:
        fs = cls()
        fs.n = int(data["n"])
        fs.df = Counter({str(k): int(v) for k, v in data["df"].items()})
        return fs


def channel_of(key: str) -> str:
    return key.split("|", 1)[0]


def vectors(
    feats: Iterable[DocumentFeatures], space: FeatureSpace | None = None, batch: bool = False
) -> list[Vector]:
    """Vectorise pages in order: online IDF (each page weighed by what came before it and itself), or,
    with ``batch``, the IDF of the whole collection."""
    space = space or FeatureSpace()
    items = list(feats)
    if batch:
        for f in items:
            space.observe(f)
        return [space.vector(f) for f in items]
    out = []
    for f in items:
        space.observe(f)
        out.append(space.vector(f))
    return out
