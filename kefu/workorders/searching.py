"""Work orders in the full-text index (decision 0019): what a work order's document holds,
kept current by the kernel at the end of every change that recorded an event, and the
ranked search through the actor's scope."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString

from kefu.customers.masking import mask_text
from kefu.orgs.actors import Actor
from kefu.search import backends, index
from kefu.search.query import MAX_QUERY_LENGTH, MAX_QUERY_WORDS, SearchQuery, snippet
from kefu.search.segmenter import query_words
from kefu.workorders import reactions
from kefu.workorders.choices import EventType
from kefu.workorders.models import Reply, TimelineEvent, WorkOrder, WorkOrderText

# Reindexing reads a batch of work orders with their replies and notes at a time.
BATCH = 500


_TEXT_FIELDS = ("number", "archive_number", "title", "content", "findings", "closing_note")


def documents(work_order_ids: Iterable[int], *,
              new: Iterable[WorkOrder] = ()) -> dict[int, str]:
    """The searchable text of each work order: number, title, the customer's words, what was
    found, answered and noted, and what the apps add (an appeal's case number). Anonymised
    work orders have none. `new` are work orders created in the change under way: their
    row is at hand and nothing hangs off it yet, so they cost no read."""
    fresh = {wo.pk: wo for wo in new}
    rows = [wo for wo in fresh.values() if not wo.is_anonymised]
    if ids := [pk for pk in work_order_ids if pk not in fresh]:
        rows += WorkOrder.objects.filter(pk__in=ids, is_anonymised=False).only(
            "pk", "kind", *_TEXT_FIELDS)
    parts = {wo.pk: [str(getattr(wo, name)) for name in _TEXT_FIELDS if getattr(wo, name)]
             for wo in rows}
    if old := [pk for pk in parts if pk not in fresh]:
        for wo_id, *texts in (Reply.objects.filter(work_order_id__in=old)
                              .values_list("work_order_id", "result", "process_summary",
                                           "measures", "suggestions", "cause_analysis")):
            parts[wo_id].extend(t for t in texts if t)
        for wo_id, note in (TimelineEvent.objects
                            .filter(work_order_id__in=old, event_type=EventType.NOTE_ADDED)
                            .values_list("work_order_id", "note")):
            parts[wo_id].append(note)
    for wo_id, added in reactions.search_text_added(rows).items():
        if wo_id in parts:
            parts[wo_id].extend(added)
    return {pk: "\n".join(texts) for pk, texts in parts.items()}


def reindex(work_order_ids: Iterable[int], *, new: Iterable[WorkOrder] = ()) -> None:
    """Index the work orders again from their rows; drop the entries of those gone or
    anonymised."""
    new = list(new)
    ids = set(work_order_ids) | {wo.pk for wo in new}
    docs = documents(ids, new=new)
    index.put(WorkOrderText, docs)
    if gone := ids - docs.keys():
        index.remove(WorkOrderText, gone)


def reindex_all(*, after_id: int = 0, batch: int = BATCH) -> Iterable[tuple[int, int]]:
    """Reindex every work order in id order, a batch per transaction; yields (last id, count)
    after each batch, so a run that stops can resume after the last id it reported."""
    from django.db import transaction

    while True:
        ids = list(WorkOrder.objects.filter(pk__gt=after_id).order_by("pk")
                   .values_list("pk", flat=True)[:batch])
        if not ids:
            return
        with transaction.atomic():
            reindex(ids)
        after_id = ids[-1]
        yield after_id, len(ids)


def matching(qs: QuerySet[WorkOrder], query: SearchQuery) -> QuerySet[WorkOrder]:
    """The work orders of `qs` whose document matches, annotated with `search_rank`."""
    return qs.extra(**backends.joined(connection, WorkOrderText, query,
                                      f"{WorkOrder._meta.db_table}.id"))


def keyword_condition(keyword: str) -> Q:
    """A list filter's keyword: a work order or archive number, or the words of its
    document (through the index; a keyword of punctuation alone matches no words)."""
    condition = Q(number=keyword.upper()) | Q(archive_number=keyword.upper())
    if len(keyword) <= MAX_QUERY_LENGTH and (words := query_words(keyword)):
        query = SearchQuery(keyword, tuple(words[:MAX_QUERY_WORDS]))
        condition |= Q(id__in=RawSQL(*backends.matching_ids(connection, WorkOrderText, query)))
    return condition


@dataclass(frozen=True)
class Hit:
    work_order: WorkOrder
    rank: float
    snippet: SafeString


# Ranking reads every match; a word found in a fifth of ten million work orders would rank two
# million rows. The ranked set is the newest matches in scope, which the database finds by
# walking the work orders newest first (a common word) or from the index (a rare one).
RANKED_AMONG = 1000
_HIT_FIELDS = ("id", "number", "kind", "status", "title", "received_at", "unit_id", "version")


def search_work_orders(actor: Actor, query: SearchQuery, *, limit: int = 20) -> list[Hit]:
    """The best-ranked of the newest `RANKED_AMONG` matching work orders in the actor's
    scope, each with a snippet of its masked text: search shows nothing the list would not."""
    from kefu.workorders.queries import scoped_work_orders

    newest = (scoped_work_orders(actor)
              .filter(pk__in=RawSQL(*backends.matching_ids(connection, WorkOrderText, query)))
              .order_by("-id").values_list("id", flat=True)[:RANKED_AMONG])
    rows = list(matching(WorkOrder.objects.filter(pk__in=list(newest)), query)
                .only(*_HIT_FIELDS).order_by("-search_rank", "-id")[: max(1, min(limit, 100))])
    texts = documents([wo.pk for wo in rows])
    return [Hit(wo, float(getattr(wo, "search_rank", 0.0)),
                snippet(mask_text(texts.get(wo.pk, wo.title)), query)) for wo in rows]
