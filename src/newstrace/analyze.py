"""The per-document analysis: the default pipeline of stages, in the order their needs require."""

from __future__ import annotations

from functools import lru_cache

from .analysis.credits import find_credits
from .analysis.layers import assign_layers
from .model import Document
from .pipeline import Pipeline


@lru_cache(maxsize=1)
def default_pipeline() -> Pipeline:
    return Pipeline([find_credits, assign_layers])


def analyze_document(doc: Document) -> Document:
    """Run every default stage on ``doc``."""
    return default_pipeline()(doc)
