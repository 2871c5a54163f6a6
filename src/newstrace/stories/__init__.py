"""Stories: pages that tell the same event, clustered online, with their events, statements and differences.

One algorithm per module: ``features`` (a page as vectors), ``cluster`` (online two-level assignment),
``events`` (who did what, where, when), ``statements`` (one utterance, several wordings), ``compare``
(outlets, copies, ownership, omissions), ``store`` (tables and the read API), ``cli``.
"""

from __future__ import annotations

from .cluster import Assignment, Model, StoryClusterer
from .store import get_story, list_stories, story_of, update_stories

__all__ = ["Assignment", "Model", "StoryClusterer", "get_story", "list_stories", "story_of", "update_stories"]
