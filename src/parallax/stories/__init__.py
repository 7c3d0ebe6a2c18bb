"""Stage 3, stories: annotated articles -> storylines ▸ events, in batch or incrementally."""

from parallax.stories.docs import (
    ClusterDoc,
    ClusterParams,
    doc_date,
    docs_from_annotated,
    order_key,
)
from parallax.stories.index import StoryIndex, cluster

__all__ = [
    "ClusterDoc",
    "ClusterParams",
    "StoryIndex",
    "cluster",
    "doc_date",
    "docs_from_annotated",
    "order_key",
]
