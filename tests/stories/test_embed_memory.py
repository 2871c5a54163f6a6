"""Sentence embeddings of long pages: the same mean of token vectors as wordllama's own, in memory that
does not grow with the page (its ``embed`` pads every batch to the longest text: 6 GB for one 200 KB
page among 70 small ones)."""

from __future__ import annotations

import tracemalloc

import numpy as np

from newstrace.stories.features import _wordllama, embed

from ..conftest import SEED


def test_embeddings_equal_wordllamas_own() -> None:
    model = _wordllama()
    texts = [SEED.read_text(encoding="utf-8"), "Putin orders withdrawal from Syria", "", "a"]
    ours = embed(texts)
    theirs = np.asarray(model.embed([t or " " for t in texts], norm=True), dtype=np.float32)
    assert ours is not None and ours.shape == theirs.shape
    assert np.all((ours * theirs).sum(axis=1) > 0.9999)


def test_one_long_page_among_small_ones_costs_little_memory() -> None:
    seed = SEED.read_text(encoding="utf-8")
    small = [p for p in seed.split("\n\n") if p.strip()][:70]
    big = (seed + "\n\n") * (200_000 // len(seed) + 1)
    tracemalloc.start()
    try:
        vecs = embed(small + [big])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert vecs is not None and vecs.shape == (len(small) + 1, 256)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert peak < 64 * 1024 * 1024  # was several GB
