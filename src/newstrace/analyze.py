"""The per-document analysis: the default pipeline of stages, in the order their needs require."""

from __future__ import annotations

from functools import lru_cache

from .analysis.credits import find_credits
from .analysis.dates import find_dates
from .analysis.entities import find_entities
from .analysis.events import find_events
from .analysis.layers import assign_layers
from .analysis.nlp import parse
from .analysis.publisher import resolve_publisher
from .analysis.quotes import attribute_quotes
from .analysis.windows import run_windowed
from .model import Document
from .pipeline import Pipeline


@lru_cache(maxsize=1)
def default_pipeline() -> Pipeline:
    """publisher → credits → layers → parse → entities → quotes → dates → events (checked once, here)."""
    return Pipeline(
        [
            resolve_publisher,
            find_credits,
            assign_layers,
            parse,
            find_entities,
            attribute_quotes,
            find_dates,
            find_events,
        ]
    )


@lru_cache(maxsize=1)
def anatomy_pipeline() -> Pipeline:
    """Only what needs no language model: publisher, credits, layers (fast, for page anatomy alone)."""
    return Pipeline([resolve_publisher, find_credits, assign_layers])


@lru_cache(maxsize=1)
def language_pipeline() -> Pipeline:
    """The stages that need the language model, after the anatomy (run window by window on long pages)."""
    anatomy = anatomy_pipeline()
    return Pipeline(default_pipeline().stages[len(anatomy.stages) :], provided=anatomy.adds)


def analyze_document(doc: Document) -> Document:
    """Run every default stage on ``doc``; the language-model stages in bounded windows of its text."""
    return run_windowed(language_pipeline(), anatomy_pipeline()(doc))
