"""Runners: where the stages run (this process, a process pool, a cluster). Stages know nothing of them."""

from .local import analyze_stream

__all__ = ["analyze_stream"]
