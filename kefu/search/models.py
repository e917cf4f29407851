from __future__ import annotations

from typing import ClassVar

from django.db import models


class SearchText(models.Model):
    """A document's tokens (`segmenter`), one row per searchable row of an app, keyed by that
    row. Each app declares its concrete table with the row as primary key and creates the
    index with `backends.create_index` in its migration: PostgreSQL keeps a generated
    `vector` column with a GIN index, SQLite an FTS5 table kept by triggers. The index is no
    Django field."""

    # The tokens are the document's words: they go wherever the document's text goes.
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("words", "chars")

    words = models.TextField()
    chars = models.TextField()

    class Meta:
        abstract = True
