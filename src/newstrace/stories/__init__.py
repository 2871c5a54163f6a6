"""Stories: pages that tell the same event, clustered online, with their events, statements and differences.

One algorithm per module: ``features`` (a page as vectors), ``cluster`` (online two-level assignment),
``statements`` (one utterance, several wordings), ``compare`` (outlets, copies, ownership, omissions),
``update`` (assign new pages), ``render`` (a story's page, computed when it changes), ``cli``. The
store keeps the results; reading a story (``Store.story``) only reads.
"""

from __future__ import annotations

from .cluster import Assignment, Model, StoryClusterer
from .update import UpdateReport, update_stories

__all__ = ["Assignment", "Model", "StoryClusterer", "UpdateReport", "update_stories"]
