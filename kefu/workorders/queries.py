"""Reads of work orders, always through the actor's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet

from kefu.customers.crypto import digest
from kefu.customers.queries import serves_customers
from kefu.customers.validators import normalise_phone
from kefu.errors import NotFound
from kefu.orgs.actors import Actor
from kefu.orgs.choices import CASEWORKER_ROLES
from kefu.orgs.models import Staff
from kefu.orgs.queries import unit_ids_in_scope
from kefu.workorders import reactions
from kefu.workorders.models import (
    Attachment,
    Category,
    HandlingPlan,
    LinkKind,
    TimelineEvent,
    WorkOrder,
    WorkOrderLink,
)
from kefu.workorders.permissions import approver_roles_of


def scoped_work_orders(actor: Actor) -> QuerySet[WorkOrder]:
    """Every work order the actor may see: the units in their scope, or their own as a
    customer. Every list, detail, export and API call starts here."""
    if actor.is_system:
        return WorkOrder.objects.all()
    if actor.is_customer and actor.customer_id is not None:
        return WorkOrder.objects.filter(customer_id=actor.customer_id)
    if not actor.is_staff:
        return WorkOrder.objects.none()
    # Besides their units' work, staff keep what their units received (首问负责: accountable
    # until closure) and what their units' people handle, wherever escalation has taken it.
    if actor.unit_path.count("/") == 1:
        return WorkOrder.objects.all()  # the head office: every unit is in scope
    units = unit_ids_in_scope(actor)
    people = Staff.objects.filter(unit_id__in=units).values("id")
    scope = Q(unit_id__in=units) | Q(owner_id__in=people) | Q(handler_id__in=people)
    # ...and what the apps add, such as the work their units' departments co-handle (协办).
    for widening in reactions.scope_widenings():
        scope |= Q(id__in=widening(units))
    return WorkOrder.objects.filter(scope)


@serves_customers
def holds_work_order_of(actor: Actor, customer_id: int) -> bool:
    """Whether the actor's scope holds a work order of this customer: then they may open the
    customer's record, wherever the customer belongs (units scope work orders, SPEC §15)."""
    return scoped_work_orders(actor).filter(customer_id=customer_id).exists()


def get_work_order(actor: Actor, work_order_id: int) -> WorkOrder:
    """One work order in scope; NotFound outside it, so existence does not leak."""
    try:
        return (
            scoped_work_orders(actor)
            .select_related("customer", "category", "unit", "owner", "handler")
            .get(pk=work_order_id)
        )
    except WorkOrder.DoesNotExist:
        raise NotFound("工单不存在", "No such work order") from None


def is_work_order_in_scope(actor: Actor, work_order_id: int) -> bool:
    return scoped_work_orders(actor).filter(pk=work_order_id).exists()


def get_work_order_by_number(actor: Actor, number: str) -> WorkOrder:
    try:
        return scoped_work_orders(actor).get(number=number.strip().upper())
    except WorkOrder.DoesNotExist:
        raise NotFound("工单不存在", "No such work order") from None


@dataclass(frozen=True)
class WorkOrderFilter:
    kind: str | None = None
    status: str | None = None
    category_id: int | None = None
    severity: str | None = None
    unit_id: int | None = None
    channel: str | None = None
    handler_id: int | None = None
    owner_id: int | None = None
    customer_id: int | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    number: str | None = None
    # A word of the title or the customer's words, or a work order or archive number.
    keyword: str | None = None
    phone: str | None = None
    # The phone's keyed digest, for links and pages that must not carry the number itself.
    phone_key: str | None = None
    is_open: bool | None = None
    is_unassigned: bool | None = None
    is_overdue: bool | None = None
    due_before: datetime | None = None
    is_awaiting_approval: bool | None = None
    # Only these work orders (ids from another app's query, e.g. pending return visits).
    among: QuerySet[Any] | None = None


def list_work_orders(
    actor: Actor, filters: WorkOrderFilter, *, before_id: int | None = None, limit: int = 50,
    order: str = "newest",
) -> list[WorkOrder]:
    """A page of work orders, newest first (or soonest due: `order="due"`, one page only).
    Keyset pagination (`before_id`) keeps a deep page as cheap as the first one on a table
    of millions."""
    from kefu.workorders.choices import OPEN_STATUSES

    qs = scoped_work_orders(actor)
    f = filters
    exact = {
        "kind": f.kind, "status": f.status, "category_id": f.category_id,
        "severity": f.severity, "unit_id": f.unit_id, "channel": f.channel,
        "handler_id": f.handler_id, "owner_id": f.owner_id, "customer_id": f.customer_id,
    }
    qs = qs.filter(**{key: value for key, value in exact.items() if value is not None})
    if f.created_from:
        qs = qs.filter(received_at__gte=f.created_from)
    if f.created_to:
        qs = qs.filter(received_at__lt=f.created_to)
    if f.number:
        qs = qs.filter(number=f.number.strip().upper())
    if f.keyword and (word := f.keyword.strip()):
        from kefu.workorders.searching import keyword_condition

        qs = qs.filter(keyword_condition(actor, word, before_id=before_id))
    if f.phone:
        qs = qs.filter(customer__phone_digest=digest(normalise_phone(f.phone)))
    if f.phone_key:
        qs = qs.filter(customer__phone_digest=f.phone_key)
    if f.is_open is not None:
        qs = qs.filter(status__in=OPEN_STATUSES) if f.is_open else qs.exclude(
            status__in=OPEN_STATUSES)
    if f.is_overdue is not None:
        qs = qs.filter(is_overdue=f.is_overdue)
    if f.due_before is not None:
        qs = qs.filter(next_due_at__lte=f.due_before)
    if f.is_awaiting_approval:
        from kefu.sla.models import DeadlineExtension

        qs = qs.filter(
            Q(id__in=HandlingPlan.objects.filter(approval_status="pending")
              .values("work_order_id"))
            | Q(id__in=DeadlineExtension.objects.filter(status="pending")
                .values("clock__work_order_id")))
    if f.among is not None:
        qs = qs.filter(id__in=f.among)
    if f.is_unassigned is not None:
        qs = qs.filter(handler__isnull=f.is_unassigned)
    if before_id is not None:
        qs = qs.filter(id__lt=before_id)
    # A list row shows ids, codes and the masked customer: load only that, so a page costs
    # two decryptions per row and no joins beyond the customer and the handler's name.
    from django.db.models import F, OrderBy

    ordering: list[str | OrderBy] = (
        [F("next_due_at").asc(nulls_last=True), "id"] if order == "due" else ["-id"])
    return list(
        qs.select_related("customer", "handler")
        .only(*_LIST_FIELDS)
        .order_by(*ordering)[: max(1, min(limit, 200))]
    )


_LIST_FIELDS = (
    "id", "number", "kind", "status", "severity", "channel", "title", "category_id", "unit_id",
    "handler_id", "owner_id", "customer_id", "received_at", "version", "next_due_at",
    "is_overdue", "archive_number", "customer__name",
    "customer__phone", "handler__display_name",
)


def list_timeline(actor: Actor, work_order: WorkOrder) -> QuerySet[TimelineEvent]:
    """The work order's history; a customer sees only the entries meant for them."""
    events = work_order.events.order_by("id")
    if actor.is_customer:
        events = events.filter(is_customer_visible=True)
    return events


def list_categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).select_related("parent")


@dataclass(frozen=True)
class TeamLoad:
    staff_id: int
    name: str
    role: str
    open: int
    due_soon: int
    overdue: int


def team_load(actor: Actor, *, due_within: timedelta = timedelta(hours=24)) -> list[TeamLoad]:
    """Open work per handler in the actor's scope: how many, how many due soon, overdue."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from kefu.orgs.queries import list_staff_in_scope
    from kefu.workorders.choices import OPEN_STATUSES

    soon = timezone.now() + due_within
    counts = {
        row["handler_id"]: row for row in scoped_work_orders(actor)
        .filter(status__in=OPEN_STATUSES, handler__isnull=False)
        .values("handler_id")
        .annotate(open=Count("id"), due_soon=Count("id", filter=Q(next_due_at__lte=soon)),
                  overdue=Count("id", filter=Q(is_overdue=True)))
    }
    people = list_staff_in_scope(actor).filter(role__in=CASEWORKER_ROLES)
    return sorted((TeamLoad(p.pk, p.display_name, p.get_role_display(),
                            counts.get(p.pk, {}).get("open", 0),
                            counts.get(p.pk, {}).get("due_soon", 0),
                            counts.get(p.pk, {}).get("overdue", 0)) for p in people),
                  key=lambda t: (-t.overdue, -t.due_soon, -t.open, t.name))


def list_pending_plan_approvals(actor: Actor) -> QuerySet[HandlingPlan]:
    """Compensation plans in scope waiting for someone of the actor's role."""
    return (HandlingPlan.objects.filter(approval_status="pending",
                                        approver_role__in=approver_roles_of(actor),
                                        work_order__in=scoped_work_orders(actor))
            .select_related("work_order").order_by("created_at"))


def count_received_since(actor: Actor, since: datetime) -> int:
    return scoped_work_orders(actor).filter(received_at__gte=since).count()


def find_possible_duplicates(actor: Actor, *, customer_id: int, category_id: int | None,
                             days: int = 30) -> list[WorkOrder]:
    """Open work orders of the same customer and category from the last `days` days, which
    a new one would probably repeat (merge or link instead)."""
    from django.utils import timezone

    from kefu.workorders.choices import OPEN_STATUSES

    if category_id is None:
        return []
    return list(scoped_work_orders(actor).filter(
        customer_id=customer_id, category_id=category_id, status__in=OPEN_STATUSES,
        received_at__gte=timezone.now() - timedelta(days=days)).order_by("-id")[:10])


def scoped_numbers(actor: Actor, ids: list[int]) -> list[WorkOrder]:
    """Numbers of the given work orders that are in scope (for result lists)."""
    return list(scoped_work_orders(actor).filter(pk__in=ids).only("id", "number"))


def get_attachment(actor: Actor, work_order_id: int, attachment_id: int) -> Attachment:
    """An attachment of a work order in scope; a customer gets only what they may see."""
    wo = get_work_order(actor, work_order_id)
    attachment = wo.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound("附件不存在", "No such attachment")
    return attachment


@dataclass(frozen=True)
class LinkedOrder:
    work_order_id: int
    number: str
    status: str
    kind: str  # related, split_from (this one came out of it), split_into (came out of this)
    note: str


def list_links(actor: Actor, wo: WorkOrder) -> list[LinkedOrder]:
    """Work orders linked to this one, both directions, those in the actor's scope."""
    visible = scoped_work_orders(actor)
    # Both directions in one statement, and of the other work order only what is shown: a
    # whole row would also decrypt its contact fields.
    links = list(WorkOrderLink.objects
                 .filter(Q(source=wo, target__in=visible) | Q(target=wo, source__in=visible))
                 .select_related("source", "target")
                 .only("source_id", "target_id", "kind", "note", "source__number",
                       "source__status", "target__number", "target__status")
                 .order_by("id"))
    found: list[LinkedOrder] = []
    for link in links:
        if link.source_id == wo.pk:
            kind = "split_from" if link.kind == LinkKind.SPLIT else "related"
            found.append(LinkedOrder(link.target_id, link.target.number or "",
                                     link.target.status, kind, link.note))
    for link in links:
        if link.target_id == wo.pk:
            kind = "split_into" if link.kind == LinkKind.SPLIT else "related"
            found.append(LinkedOrder(link.source_id, link.source.number or "",
                                     link.source.status, kind, link.note))
    return found


@dataclass(frozen=True)
class ReopenRate:
    reopened: int
    closed: int

    @property
    def rate(self) -> float | None:
        return self.reopened / self.closed if self.closed else None


def reopen_rate(actor: Actor, *, since: datetime, until: datetime | None = None) -> ReopenRate:
    """SPEC §15: reopened complaints ÷ closed complaints, over [since, until) in the actor's
    scope — a complaint reopened in the period counts whether it is still reopened or already
    handled again."""
    complaints = scoped_work_orders(actor).filter(kind__in=("complaint", "appeal"))
    events = TimelineEvent.objects.filter(work_order__in=complaints.values("id"), at__gte=since)
    if until is not None:
        events = events.filter(at__lt=until)
    counts = events.filter(transition__in=("reopen", "close")).values("transition").annotate(
        n=Count("work_order_id", distinct=True))
    by = {row["transition"]: row["n"] for row in counts}
    return ReopenRate(reopened=by.get("reopen", 0), closed=by.get("close", 0))
