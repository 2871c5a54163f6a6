"""The page's publisher as a registry id: from the outlet its record names, else from its URL's domain.

Body sections that no credit line claims belong to the publisher, so this runs before the anatomy.
"""

from __future__ import annotations

from ..model import Document
from ..pipeline import stage
from .outlets import registry


@stage("publisher", needs={"text"}, adds={"publisher"})
def resolve_publisher(doc: Document) -> Document:
    reg = registry()
    outlet = doc.outlet
    if outlet:
        found = reg.get(outlet) or reg.lookup(outlet)
        outlet = found.id if found is not None else outlet
    elif doc.url:
        found = reg.by_domain(doc.url)
        outlet = found.id if found is not None else None
    return doc.with_annotations("publisher", outlet=outlet)
