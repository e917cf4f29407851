"""Reads of the supervision ledger and of appeals, through the actor's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from kefu.customers.models import Customer
from kefu.errors import InvalidInput
from kefu.escalation.models import (
    Appeal,
    AppealSource,
    CoHandlingTask,
    DutySupervisor,
    EscalationRequest,
    RequestStatus,
    SubtaskStatus,
    SupervisionEntry,
)
from kefu.orgs.actors import Actor
from kefu.orgs.models import Department, Staff
from kefu.orgs.queries import unit_ids_in_scope
from kefu.workorders.choices import OPEN_STATUSES
from kefu.workorders.models import WorkOrder
from kefu.workorders.queries import scoped_work_orders


def list_open_supervision(actor: Actor) -> QuerySet[SupervisionEntry]:
    """Open entries supervised by a unit in scope, or about work orders in scope."""
    return list_supervision(actor, state="open")


SUPERVISION_STATES = ("open", "overdue", "closed", "all")


def list_supervision(actor: Actor, *, state: str = "open") -> QuerySet[SupervisionEntry]:
    """The ledger: entries supervised by a unit in scope or about work orders in scope, open
    ones by due date, closed ones newest first."""
    if state not in SUPERVISION_STATES:
        raise InvalidInput("状态取值无效", "Unknown state",
                           fields={"state": [" | ".join(SUPERVISION_STATES)]})
    entries = (SupervisionEntry.objects
               .filter(Q(supervising_unit_id__in=unit_ids_in_scope(actor))
                       | Q(work_order__in=scoped_work_orders(actor)))
               .select_related("work_order", "supervising_unit")
               .annotate(report_count=Count("reports")))
    if state == "open":
        return entries.filter(closed_at__isnull=True).order_by("due_at")
    if state == "overdue":
        return entries.filter(closed_at__isnull=True, overdue_at__isnull=False).order_by(
            "due_at")
    if state == "closed":
        return entries.filter(closed_at__isnull=False).order_by("-closed_at")
    return entries.order_by("-opened_at")


def list_supervision_of(wo: WorkOrder) -> list[SupervisionEntry]:
    return list(SupervisionEntry.objects.filter(work_order=wo)
                .select_related("supervising_unit").prefetch_related("reports")
                .order_by("opened_at"))


def list_appeals_of(actor: Actor, original: WorkOrder) -> list[Appeal]:
    """Appeals of a work order that the actor may see (an appeal may sit a tier above)."""
    return list(Appeal.objects.filter(original=original,
                                      work_order__in=scoped_work_orders(actor))
                .select_related("work_order").order_by("created_at"))


def open_appeal_of(original: WorkOrder) -> str | None:
    """The number of an appeal of `original` still being handled, if there is one."""
    return (Appeal.objects.filter(original=original, work_order__status__in=OPEN_STATUSES)
            .values_list("work_order__number", flat=True).first())


def appeals_with_external_number(number: str) -> QuerySet[Any, Any]:
    """The appeal work orders of a regulator's case, by its case number (for `among`)."""
    return Appeal.objects.filter(external_number=number.strip().upper()).values("work_order_id")


def appeal_of(wo: WorkOrder) -> Appeal | None:
    """The appeal record of an appeal work order. Its original is always in the scope of
    whoever sees the appeal: the appeal sits at the original's unit or above it."""
    return Appeal.objects.filter(work_order=wo).select_related("original").first()


@dataclass(frozen=True)
class AppealFigures:
    customer_appeals: int
    regulator_appeals: int
    customers: int

    @property
    def appeals(self) -> int:
        return self.customer_appeals + self.regulator_appeals

    @property
    def per_million(self) -> float | None:
        """Appeals per million customers (百万用户申诉率), the regulator's measure."""
        return self.appeals * 1_000_000 / self.customers if self.customers else None


def appeal_figures(actor: Actor, *, since: datetime | None = None,
                   until: datetime | None = None) -> AppealFigures:
    """Appeals received in [since, until) in the actor's scope, against its customers."""
    units = unit_ids_in_scope(actor)
    appeals = Appeal.objects.filter(work_order__unit_id__in=units)
    if since:
        appeals = appeals.filter(work_order__received_at__gte=since)
    if until:
        appeals = appeals.filter(work_order__received_at__lt=until)
    counts = appeals.aggregate(
        customer=Count("id", filter=Q(source=AppealSource.CUSTOMER)),
        regulator=Count("id", filter=Q(source=AppealSource.REGULATOR)))
    return AppealFigures(customer_appeals=counts["customer"],
                         regulator_appeals=counts["regulator"],
                         customers=Customer.objects.filter(unit_id__in=units).count())


def count_open_subtasks(wo: WorkOrder) -> int:
    return CoHandlingTask.objects.filter(work_order=wo, status=SubtaskStatus.OPEN).count()


def list_subtasks(wo: WorkOrder) -> list[CoHandlingTask]:
    """The work order's co-handling tasks, for whoever sees the work order."""
    return list(CoHandlingTask.objects.filter(work_order=wo)
                .select_related("department", "department__unit", "handler").order_by("id"))


def list_escalation_requests(wo: WorkOrder) -> list[EscalationRequest]:
    return list(EscalationRequest.objects.filter(work_order=wo)
                .select_related("applying_unit").prefetch_related("departments")
                .order_by("id"))


def list_pending_escalation_requests(actor: Actor) -> QuerySet[EscalationRequest]:
    """Requests awaiting a decision on work orders in the actor's scope, from units below the
    actor's own (the superior decides)."""
    return (EscalationRequest.objects.filter(status=RequestStatus.PENDING,
                                             work_order__in=scoped_work_orders(actor),
                                             applying_unit__path__startswith=actor.unit_path)
            .exclude(applying_unit__path=actor.unit_path)
            .select_related("work_order").order_by("requested_at"))


def list_open_subtasks(actor: Actor) -> QuerySet[CoHandlingTask]:
    """Open co-handling tasks of the departments in the actor's scope, soonest due first."""
    return (CoHandlingTask.objects.filter(status=SubtaskStatus.OPEN,
                                          department__unit_id__in=unit_ids_in_scope(actor))
            .select_related("work_order", "department", "handler").order_by("due_at"))


def list_departments_for(wo: WorkOrder) -> QuerySet[Department]:
    """Departments that may co-handle the work order: its unit's and those below it."""
    return (Department.objects.filter(unit__path__startswith=wo.unit.path)
            .select_related("unit").order_by("unit__path", "kind"))


def list_department_staff(department_ids: list[int]) -> dict[int, list[Staff]]:
    """The people of each department, for assigning its sub-task."""
    people: dict[int, list[Staff]] = {}
    for staff in Staff.objects.filter(department_id__in=department_ids).order_by("display_name"):
        assert staff.department_id is not None
        people.setdefault(staff.department_id, []).append(staff)
    return people


def duty_supervisors(unit_ids: set[int]) -> dict[int, Staff]:
    """The person who supervises for each unit: its configured duty supervisor, else its
    first supervisor, else its first manager. A unit with none of them is left out."""
    found = {d.unit_id: d.staff for d in DutySupervisor.objects.filter(
        unit_id__in=unit_ids).select_related("staff")}
    rest = unit_ids - set(found)
    if rest:
        # Supervisors before managers, the longest-serving first.
        people = Staff.objects.filter(unit_id__in=rest, role__in=("supervisor", "manager"),
                                      user__is_active=True).order_by("-role", "id")
        for person in people:
            found.setdefault(person.unit_id, person)
    return found
