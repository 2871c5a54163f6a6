"""Page features: words, names, numbers, the page's own date, unit vectors, offline embeddings."""

from __future__ import annotations

import math

import numpy as np

from newstrace.model import Document
from newstrace.stories import features as F


def test_terms_stem_and_drop_stopwords() -> None:
    t = F.terms("The police arrested two men; the arrests followed a raid.")
    assert "the" not in t and "police" in t
    assert t["arrest"] == 2


def test_names_skip_sentence_initial_stopword() -> None:
    n = F.names("The Indian Navy captured pirates. In Mumbai, Manohar Nambiar spoke.")
    assert "indian navy" in n and "mumbai" in n and "manohar nambiar" in n
    assert "the" not in n and "in" not in n


def test_numbers_and_years_are_apart() -> None:
    text = "In 2011 the navy captured 26 pirates and seized 1,200 rounds."
    assert F.years(text) == {"2011"}
    assert F.numbers(text) == {"26", "1200"}


def test_document_date_prefers_published_then_credit_then_dateline() -> None:
    d = {"published": "2016-03-14T10:00", "credits": [], "layers": [], "dates": []}
    assert F.document_date(d) == "2016-03-14"
    d = {"published": None, "credits": [{"date": "2016-03-13"}], "layers": [], "dates": []}
    assert F.document_date(d) == "2016-03-13"
    d = {
        "published": None,
        "credits": [],
        "layers": [{"kind": "dateline", "start": 0, "end": 20}, {"kind": "body", "start": 21, "end": 60}],
        "dates": [
            {"start": 2, "end": 16, "text": "March 12, 2016", "value": "2016-03-12"},
            {"start": 30, "end": 36, "text": "May 1", "value": "2016-05-01"},
        ],
    }
    assert F.document_date(d) == "2016-03-12"
    assert F.document_date({"published": None, "credits": [], "layers": [], "dates": []}) is None


def test_vectors_are_unit_per_channel_and_idf_online() -> None:
    docs = [
        Document(id=f"d{i}", text=t)
        for i, t in enumerate(
            ["Navy captures pirates off Somalia", "Navy frigate seizes pirate boats", "Mayor elected in Lyon"]
        )
    ]
    space = F.FeatureSpace()
    vecs = F.vectors(F.extract_many(docs), space)
    for v in vecs:
        for ch in ("term", "name"):
            norm = math.sqrt(sum(x * x for k, x in v.sparse.items() if k.startswith(ch + "|")))
            assert norm == 0 or abs(norm - 1) < 1e-9
    assert space.n == 3 and space.df["term|navy"] == 2


def test_embeddings_load_offline_and_are_unit_length() -> None:
    vecs = F.embed(["The navy captured pirates.", "Pirates were seized by the navy."])
    assert vecs is not None and vecs.shape == (2, F.EMBED_DIM)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    assert float(vecs[0] @ vecs[1]) > 0.5
