"""Work orders in the full-text index (decision 0020): what a work order's document holds,
kept current by the kernel at the end of every change that recorded an event, and the
ranked search through the actor's scope."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString

from kefu.customers.masking import mask_text
from kefu.orgs.actors import Actor
from kefu.orgs.models import Staff
from kefu.search import backends, index
from kefu.search.query import MAX_QUERY_LENGTH, MAX_QUERY_WORDS, SearchQuery, snippet
from kefu.search.segmenter import query_words
from kefu.workorders import reactions
from kefu.workorders.choices import EventType
from kefu.workorders.models import Reply, TimelineEvent, WorkOrder, WorkOrderText

# Reindexing reads a batch of work orders with their replies and notes at a time.
BATCH = 500


_TEXT_FIELDS = ("number", "archive_number", "title", "content", "findings", "closing_note")


@dataclass(frozen=True)
class Document:
    """What the index keeps of a work order: its text, and the units whose staff see it (its
    own, its owner's and handler's, and what the apps add, such as co-handling
    departments'), so a search can keep to a scope without reading the work orders."""

    text: str
    scope_units: list[str]


def documents(work_order_ids: Iterable[int], *, new: Iterable[WorkOrder] = (),
              staff_units: Mapping[int, int | None] | None = None,
              with_scope: bool = True) -> dict[int, Document]:
    """The document of each work order: number, title, the customer's words, what was
    found, answered and noted, and what the apps add (an appeal's case number). Anonymised
    work orders have none. `new` are work orders created in the change under way: their
    row is at hand and nothing hangs off it yet, so they cost no read; `staff_units` are the
    units of staff already known (the change's actors). A snippet needs the text alone
    (`with_scope=False`: no reads for the units)."""
    fresh = {wo.pk: wo for wo in new}
    rows = [wo for wo in fresh.values() if not wo.is_anonymised]
    if ids := [pk for pk in work_order_ids if pk not in fresh]:
        rows += WorkOrder.objects.filter(pk__in=ids, is_anonymised=False).only(
            "pk", "kind", "unit_id", "owner_id", "handler_id", *_TEXT_FIELDS)
    parts = {wo.pk: [str(getattr(wo, name)) for name in _TEXT_FIELDS if getattr(wo, name)]
             for wo in rows}
    old = [wo for wo in rows if wo.pk not in fresh]
    if old:
        for wo_id, *texts in (Reply.objects.filter(work_order_id__in=[wo.pk for wo in old])
                              .values_list("work_order_id", "result", "process_summary",
                                           "measures", "suggestions", "cause_analysis")):
            parts[wo_id].extend(t for t in texts if t)
        for wo_id, note in (TimelineEvent.objects
                            .filter(work_order_id__in=[wo.pk for wo in old],
                                    event_type=EventType.NOTE_ADDED)
                            .values_list("work_order_id", "note")):
            parts[wo_id].append(note)
    for wo_id, added in reactions.search_text_added(rows).items():
        if wo_id in parts:
            parts[wo_id].extend(added)
    scopes = _scope_units(rows, old, staff_units or {}) if with_scope else {}
    return {pk: Document("\n".join(texts), scopes.get(pk, [])) for pk, texts in parts.items()}


def _scope_units(rows: list[WorkOrder], old: list[WorkOrder],
                 known: Mapping[int, int | None]) -> dict[int, list[str]]:
    """Each work order's own unit, its owner's and handler's units, and the units the apps
    add (only for work orders older than the change: a new one has nothing else yet)."""
    people = {p for wo in rows for p in (wo.owner_id, wo.handler_id) if p is not None}
    units = {p: u for p, u in known.items() if p in people}
    if missing := people - units.keys():
        units |= dict(Staff.objects.filter(pk__in=missing).values_list("pk", "unit_id"))
    added = reactions.scope_units_added(old) if old else {}
    # Strings: PostgreSQL's jsonb "any of these" test (?|) compares string elements.
    return {wo.pk: [str(u) for u in sorted(
        {u for u in (wo.unit_id, units.get(wo.owner_id or 0), units.get(wo.handler_id or 0))
         if u is not None} | added.get(wo.pk, set()))] for wo in rows}


def reindex(work_order_ids: Iterable[int], *, new: Iterable[WorkOrder] = (),
            staff_units: Mapping[int, int | None] | None = None) -> None:
    """Index the work orders again from their rows; drop the entries of those gone or
    anonymised."""
    new = list(new)
    ids = set(work_order_ids) | {wo.pk for wo in new}
    docs = documents(ids, new=new, staff_units=staff_units)
    index.put(WorkOrderText, {pk: d.text for pk, d in docs.items()},
              extra={pk: {"scope_units": d.scope_units} for pk, d in docs.items()})
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


# A list's page reads the newest matches below its keyset bound, this many at most, so that
# other filters of the list still leave it a page.
LISTED_AMONG = 300


def keyword_condition(actor: Actor, keyword: str, *, before_id: int | None = None) -> Q:
    """A list filter's keyword: a work order or archive number, or the words of its
    document (through the index; a keyword of punctuation alone matches no words)."""
    condition = Q(number=keyword.upper()) | Q(archive_number=keyword.upper())
    if len(keyword) <= MAX_QUERY_LENGTH and (words := query_words(keyword)):
        query = SearchQuery(keyword, tuple(words[:MAX_QUERY_WORDS]))
        if connection.vendor == "postgresql" and actor.is_staff:
            # The newest matches from the index alone, as search finds them (the words
            # first, the characters in a row for the rest): a list is newest first, so
            # these are the rows its page can show.
            ids = _newest_on_postgres(actor, query.first_words(), [], before_id=before_id,
                                      among=LISTED_AMONG)
            if len(ids) < LISTED_AMONG:
                ids += _newest_on_postgres(actor, query, ids, before_id=before_id,
                                           among=LISTED_AMONG - len(ids))
            condition |= Q(id__in=ids)
        else:
            condition |= Q(id__in=RawSQL(*backends.matching_ids(connection, WorkOrderText,
                                                                query)))
    return condition


@dataclass(frozen=True)
class Hit:
    work_order: WorkOrder
    rank: float
    snippet: SafeString


# Ranking reads every match; a word found in a fifth of ten million work orders would rank two
# million rows. The ranked set is the newest matches in scope, which PostgreSQL finds in
# widening windows of the newest work orders (each window one more index range to intersect,
# so a common word reads a few hundred rows and a rare one searches everything at once).
RANKED_AMONG = 200
WINDOWS = (60_000, 400_000)
_HIT_FIELDS = ("id", "number", "kind", "status", "title", "received_at", "unit_id", "version")


def search_work_orders(actor: Actor, query: SearchQuery, *, limit: int = 20) -> list[Hit]:
    """The best-ranked of the newest `RANKED_AMONG` matching work orders in the actor's
    scope, each with a snippet of its masked text: search shows nothing the list would not.
    The words are tried first; when they find fewer than `limit`, the characters in a row
    find the rest (a word the text was cut differently around, a one-character query)."""
    limit = max(1, min(limit, 100))
    rows = _ranked(actor, query.first_words(), limit, exclude=[], among=RANKED_AMONG)
    if len(rows) < limit:
        # Only the rest of the page: the characters leave many candidates to check.
        rows += _ranked(actor, query, limit - len(rows), exclude=[wo.pk for wo in rows],
                        among=(limit - len(rows)) * 5)
    docs = documents([wo.pk for wo in rows], with_scope=False)
    return [Hit(wo, float(getattr(wo, "search_rank", 0.0)),
                snippet(mask_text(docs[wo.pk].text if wo.pk in docs else wo.title), query))
            for wo in rows]


def _ranked(actor: Actor, query: SearchQuery, limit: int, *, exclude: list[int],
            among: int) -> list[WorkOrder]:
    from kefu.workorders.queries import scoped_work_orders

    scoped = scoped_work_orders(actor)
    if connection.vendor == "postgresql" and actor.is_staff:
        ranked = _rank_on_postgres(query, _newest_on_postgres(actor, query, exclude,
                                                              among=among))
        # The index's scope only narrows what is read; the scope itself decides what is
        # shown, in the order of the ranks.
        shown = {wo.pk: wo for wo in scoped.filter(pk__in=[pk for pk, _ in ranked[:limit * 2]])
                 .only(*_HIT_FIELDS)}
        rows = []
        for pk, rank in ranked:
            if pk in shown:
                shown[pk].search_rank = rank  # type: ignore[attr-defined]
                rows.append(shown[pk])
        return rows[:limit]
    newest = list(scoped.filter(pk__in=RawSQL(*backends.matching_ids(connection, WorkOrderText,
                                                                       query)))
                  .exclude(pk__in=exclude).order_by("-id")
                  .values_list("id", flat=True)[:among])
    if not newest:
        return []
    return list(matching(scoped.filter(pk__in=newest), query)
                .only(*_HIT_FIELDS).order_by("-search_rank", "-id")[:limit])


def _newest_on_postgres(actor: Actor, query: SearchQuery, exclude: list[int], *,
                        before_id: int | None = None, among: int = RANKED_AMONG) -> list[int]:
    """The newest `RANKED_AMONG` matches from the index alone: its GIN indexes (the words,
    and the units that see each work order) intersected with a range of the newest work
    orders, widened until enough are found."""
    from kefu.orgs.queries import unit_ids_in_scope

    table = WorkOrderText._meta.db_table
    sql = (f"SELECT work_order_id FROM {table} "
           f"WHERE {backends.vector_column(query)} @@ to_tsquery('simple', %s)")
    params: list[Any] = [backends.tsquery(query)]
    if actor.unit_path.count("/") != 1:  # head office sees every unit (scoped_work_orders)
        # The function, not the ?| operator: checked on the few rows the words and the range
        # leave, rather than built into a bitmap of everything the units see.
        sql += " AND jsonb_exists_any(scope_units, %s)"
        params.append([str(u) for u in unit_ids_in_scope(actor)])
    if exclude:
        sql += " AND NOT (work_order_id = ANY(%s))"
        params.append(exclude)
    with connection.cursor() as cursor:
        if before_id is not None:
            sql += " AND work_order_id < %s"
            params.append(before_id)
            newest = before_id
        else:
            cursor.execute(f"SELECT max(work_order_id) FROM {table}")
            newest = (cursor.fetchone() or [0])[0] or 0
        for window in (*WINDOWS, None):
            bound = " AND work_order_id > %s" if window is not None else ""
            cursor.execute(f"{sql}{bound} ORDER BY work_order_id DESC LIMIT %s",
                           [*params, *([newest - window] if window is not None else []), among])
            found = [row[0] for row in cursor.fetchall()]
            if len(found) >= among or window is None or window >= newest:
                return found
    return []


def _rank_on_postgres(query: SearchQuery, ids: list[int]) -> list[tuple[int, float]]:
    """The candidates by rank (on the whole vector: words weigh more than characters)."""
    if not ids:
        return []
    table = WorkOrderText._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT work_order_id, ts_rank(vector, to_tsquery('simple', %s)) AS rank "
            f"FROM {table} WHERE work_order_id = ANY(%s) ORDER BY rank DESC, work_order_id DESC",
            [backends.tsquery(replace(query, words_only=False)), ids])
        return [(pk, float(rank)) for pk, rank in cursor.fetchall()]
