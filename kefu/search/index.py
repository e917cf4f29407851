"""Writing documents into an index, inside the caller's transaction: the index is current
exactly when the change that made it commits, and a rolled-back change leaves it as it was."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kefu.search.models import SearchText
from kefu.search.segmenter import index_characters, index_words


def put(model: type[SearchText], documents: Mapping[int, str], *,
        extra: Mapping[int, Mapping[str, Any]] | None = None) -> None:
    """Index (or index again) documents by the primary key of their row, in one statement;
    `extra` are the model's own fields for each document (the same names for every one)."""
    if not documents:
        return
    pk = model._meta.pk
    assert pk is not None
    extra = extra or {}
    names = sorted({name for fields in extra.values() for name in fields})
    model._default_manager.bulk_create(
        [model(**{pk.attname: key, "words": index_words(text),
                  "chars": index_characters(text), **extra.get(key, {})})
         for key, text in documents.items()],
        update_conflicts=True, unique_fields=[pk.name],
        update_fields=["words", "chars", *names])


def remove(model: type[SearchText], keys: Iterable[int]) -> None:
    model._default_manager.filter(pk__in=list(keys)).delete()
